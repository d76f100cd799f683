package io.kuorum.server;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.kv.InvalidRequestException;
import io.kuorum.kv.RequestValidator;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.Consistency;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.OpenSessionResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import io.kuorum.kv.proto.SessionRefusal;
import io.kuorum.kv.proto.WatchRequest;
import io.kuorum.kv.proto.WatchResponse;
import io.kuorum.watch.KeySelector;
import io.kuorum.watch.WatchHub;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The client-facing key-value service. Every request is validated; writes go through the Raft log and
 * are answered by the state machine once applied; reads are served without log entries at the
 * consistency asked for. A node that does not lead answers writes (and lease reads) with
 * FAILED_PRECONDITION naming the leader. A session write the state machine refused (an unknown
 * session, too many unacknowledged answers) gets its own status.
 */
final class KvServiceImpl extends KvServiceGrpc.KvServiceImplBase {

  /** Used when the client set no deadline: a request never waits forever. */
  private static final long DEFAULT_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Replica replica;
  private final RequestValidator validator;
  private final WatchHub watches;

  KvServiceImpl(Replica replica, RequestValidator validator, WatchHub watches) {
    this.replica = replica;
    this.validator = validator;
    this.watches = watches;
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> out) {
    run(() -> validator.check(request), Command.newBuilder().setPut(request), PutResponse.class, out);
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> out) {
    read(() -> validator.check(request), request.getConsistency(), Command.newBuilder().setGet(request).build(),
        GetResponse.class, out);
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
    run(() -> validator.check(request), Command.newBuilder().setDelete(request), DeleteResponse.class, out);
  }

  @Override
  public void compareAndSet(CompareAndSetRequest request, StreamObserver<CompareAndSetResponse> out) {
    run(() -> validator.check(request), Command.newBuilder().setCompareAndSet(request),
        CompareAndSetResponse.class, out);
  }

  @Override
  public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> out) {
    run(() -> validator.check(request), Command.newBuilder().setOpenSession(request), OpenSessionResponse.class, out);
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
    read(() -> validator.check(request), request.getConsistency(), Command.newBuilder().setRange(request).build(),
        RangeResponse.class, out);
  }

  /**
   * A write: stamped with this node's clock, the log time sessions expire by (§6.3). Only a leader's
   * proposal reaches the log, so the stamp is always the proposing leader's.
   */
  private <T extends Message> void run(Runnable validation, Command.Builder command, Class<T> type, StreamObserver<T> out) {
    answer(validation, command.setProposedAtMillis(System.currentTimeMillis()).build(), type, out, replica::submit);
  }

  /**
   * Served by this member from the changes it applied, whatever its role: no log entry, no leader
   * needed. A node that is not a member has nothing to send and says so, so the client moves on.
   */
  @Override
  public void watch(WatchRequest request, StreamObserver<WatchResponse> out) {
    try {
      validator.check(request);
    } catch (InvalidRequestException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    NodeStatus status = replica.status();
    if (!status.member()) {
      out.onError(Status.UNAVAILABLE.withDescription("node " + status.id() + " is " + status.roleName()
          + ", not a member of the cluster, and applies no changes; watch at another member").asRuntimeException());
      return;
    }
    KeySelector keys = request.getPrefix() ? new KeySelector.Prefix(request.getKey())
        : new KeySelector.ExactKey(request.getKey());
    watches.open(request, keys, (ServerCallStreamObserver<WatchResponse>) out);
  }

  /**
   * Reads go through ReadIndex (§6.4), not the log, at the leader or at this follower; lease reads
   * (§6.4.1) are the leader's alone; serializable ones are answered by this member alone.
   */
  private <T extends Message> void read(Runnable validation, Consistency consistency, Command command, Class<T> type,
      StreamObserver<T> out) {
    BiFunction<Command, Long, CompletableFuture<Message>> how;
    if (consistency == Consistency.SERIALIZABLE) how = (c, deadline) -> replica.readLocal(c);
    else if (consistency == Consistency.LEASE) how = replica::readLease;
    else how = replica::read;
    answer(validation, command, type, out, how);
  }

  private <T extends Message> void answer(Runnable validation, Command command, Class<T> type, StreamObserver<T> out,
      BiFunction<Command, Long, CompletableFuture<Message>> how) {
    try {
      validation.run();
    } catch (InvalidRequestException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    Deadline deadline = Context.current().getDeadline();
    long deadlineNanos = System.nanoTime()
        + (deadline == null ? DEFAULT_DEADLINE_NANOS : Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    how.apply(command, deadlineNanos).whenComplete((answer, failure) -> {
      if (failure != null) {
        out.onError(GrpcErrors.toStatus(failure));
      } else if (answer instanceof SessionRefusal refusal) {
        out.onError(GrpcErrors.toStatus(refusal));
      } else if (!type.isInstance(answer)) {
        // Never expected (a retry of another kind is refused by the session table), but a call must end.
        out.onError(Status.INTERNAL.withDescription("internal error: a " + answer.getClass().getSimpleName()
            + " answered a request expecting a " + type.getSimpleName()).asRuntimeException());
      } else {
        out.onNext(type.cast(answer));
        out.onCompleted();
      }
    });
  }
}
