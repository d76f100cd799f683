package io.kuorum.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.admin.proto.AddLearnerRequest;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.ChangeVotersRequest;
import io.kuorum.admin.proto.MemberRole;
import io.kuorum.admin.proto.MembershipResponse;
import io.kuorum.admin.proto.RemoveLearnerRequest;
import io.kuorum.admin.proto.SaveSnapshotRequest;
import io.kuorum.admin.proto.SaveSnapshotResponse;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.admin.proto.TransferLeadershipRequest;
import io.kuorum.admin.proto.TransferLeadershipResponse;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.MemberProgress;
import io.kuorum.server.ProposalException.Kind;
import io.kuorum.storage.StorageException;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Status and membership of the cluster, as kuorumctl and the operator use them (see admin.proto). */
final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {

  static final String VERSION = "0.1.0-SNAPSHOT";
  /** A change without a client deadline gets this long to commit. */
  private static final long DEFAULT_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final NodeConfig config;
  private final Replica replica;

  AdminServiceImpl(NodeConfig config, Replica replica) {
    this.config = config;
    this.replica = replica;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    NodeStatus s = replica.status();
    StatusResponse.Builder b = StatusResponse.newBuilder()
        .setId(s.id())
        .setClusterId(config.clusterId())
        .setRole(s.roleName())
        .setTerm(s.term())
        .setLeaderId(s.leaderId().orElse(0))
        .setCommitIndex(s.commitIndex())
        .setAppliedIndex(s.appliedIndex())
        .setLastIndex(s.lastIndex())
        .setVersion(VERSION)
        .setJoint(s.configuration().isJoint())
        .setTransferringTo(s.transferTarget().orElse(0))
        .setSessions(s.sessions())
        .setSessionRetries(s.sessionRetries());
    if (s.leaderId().isPresent()) {
      s.directory().member(s.leaderId().getAsLong()).ifPresent(m -> b.setLeaderClientAddress(m.clientAddress()));
    }
    members(s).forEach(b::addMembers);
    out.onNext(b.build());
    out.onCompleted();
  }

  /** Every member of the node's configuration (or, before it has one, the members it was started with). */
  private static java.util.List<io.kuorum.admin.proto.Member> members(NodeStatus s) {
    Configuration c = s.configuration();
    TreeSet<Long> ids = new TreeSet<>(c.members());
    if (c.isEmpty()) s.directory().members().forEach(m -> ids.add(m.id()));
    return ids.stream().map(id -> {
      io.kuorum.admin.proto.Member.Builder m = io.kuorum.admin.proto.Member.newBuilder().setId(id).setRole(role(c, id));
      s.directory().member(id).ifPresent(a -> m.setPeerAddress(a.peerAddress()).setClientAddress(a.clientAddress()));
      MemberProgress p = s.progress().get(id);
      if (p != null) {
        m.setMatchIndex(p.matchIndex()).setLag(p.lag()).setCaughtUp(p.caughtUp());
        p.catchUpTicks().ifPresent(t -> m.setCatchUpMillis(t * s.tickMs()));
      }
      return m.build();
    }).toList();
  }

  private static MemberRole role(Configuration c, long id) {
    if (c.voters().contains(id)) return MemberRole.VOTER;
    if (c.outgoing().contains(id)) return MemberRole.OUTGOING_VOTER;
    if (c.learners().contains(id)) return MemberRole.LEARNER;
    return MemberRole.MEMBER_ROLE_UNSPECIFIED;
  }

  @Override
  public void addLearner(AddLearnerRequest request, StreamObserver<MembershipResponse> out) {
    Member member;
    try {
      if (request.getId() <= 0 || request.getId() >= Long.MAX_VALUE) {
        throw new IllegalArgumentException("id must be a positive member id, got " + Long.toUnsignedString(request.getId()));
      }
      HostPort peer = HostPort.parse(request.getPeerAddress(), "peer_address");
      String client = request.getClientAddress().isEmpty()
          ? new HostPort(peer.host(), Member.DEFAULT_CLIENT_PORT).toString()
          : HostPort.parse(request.getClientAddress(), "client_address").toString();
      member = new Member(request.getId(), peer.toString(), client);
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    change(new MembershipRequest.AddLearner(member), out);
  }

  @Override
  public void removeLearner(RemoveLearnerRequest request, StreamObserver<MembershipResponse> out) {
    if (request.getId() <= 0) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("id must be a positive member id").asRuntimeException());
      return;
    }
    change(new MembershipRequest.RemoveLearner(request.getId()), out);
  }

  @Override
  public void changeVoters(ChangeVotersRequest request, StreamObserver<MembershipResponse> out) {
    TreeSet<Long> voters = new TreeSet<>();
    for (long id : request.getVotersList()) {
      if (id <= 0 || !voters.add(id)) {
        out.onError(Status.INVALID_ARGUMENT.withDescription("voters must be distinct positive member ids, got "
            + request.getVotersList()).asRuntimeException());
        return;
      }
    }
    if (voters.isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("voters is empty: a cluster needs at least one voter").asRuntimeException());
      return;
    }
    change(new MembershipRequest.ChangeVoters(voters), out);
  }

  private void change(MembershipRequest request, StreamObserver<MembershipResponse> out) {
    answer(replica.changeMembership(request, deadline()), out, o -> {
      MembershipResponse.Builder b = MembershipResponse.newBuilder().setChanged(o.changed()).setMessage(o.message())
          .setIndex(o.index()).setDurationMillis(o.duration().toMillis());
      members(replica.status()).forEach(b::addMembers);
      return b.build();
    });
  }

  @Override
  public void transferLeadership(TransferLeadershipRequest request, StreamObserver<TransferLeadershipResponse> out) {
    if (request.getTargetId() >= Long.MAX_VALUE) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("target_id is out of range").asRuntimeException());
      return;
    }
    answer(replica.transferLeadership(request.getTargetId(), deadline()), out, o -> TransferLeadershipResponse.newBuilder()
        .setLeaderId(o.leaderId()).setMessage(o.message()).setDurationMillis(o.duration().toMillis()).build());
  }

  @Override
  public void saveSnapshot(SaveSnapshotRequest request, StreamObserver<SaveSnapshotResponse> out) {
    SnapshotStream stream = new SnapshotStream((ServerCallStreamObserver<SaveSnapshotResponse>) out, config.id(),
        config.clusterId());
    replica.saveSnapshot(deadline()).whenComplete((held, failure) -> {
      if (failure == null) {
        stream.start(held);
      } else {
        stream.fail(backupStatus(failure));
      }
    });
  }

  private static StatusRuntimeException backupStatus(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof StorageException e) {
      return Status.INTERNAL.withDescription("the leader could not take a snapshot for the backup: " + e.getMessage())
          .withCause(e).asRuntimeException();
    }
    return toStatus(t);
  }

  private static long deadline() {
    io.grpc.Deadline d = io.grpc.Context.current().getDeadline();
    long timeout = d == null ? DEFAULT_DEADLINE_NANOS : Math.max(0, d.timeRemaining(TimeUnit.NANOSECONDS) - TimeUnit.MILLISECONDS.toNanos(50));
    return System.nanoTime() + timeout;
  }

  private static <T, R> void answer(CompletableFuture<T> result, StreamObserver<R> out, Function<T, R> response) {
    result.whenComplete((value, failure) -> {
      if (failure == null) {
        out.onNext(response.apply(value));
        out.onCompleted();
      } else {
        out.onError(toStatus(failure));
      }
    });
  }

  /** As for the KV service, except that an unknown outcome is DEADLINE_EXCEEDED (admin.proto). */
  private static StatusRuntimeException toStatus(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof ProposalException e && e.kind() == Kind.OUTCOME_UNKNOWN) {
      return Status.DEADLINE_EXCEEDED.withDescription(e.getMessage()).asRuntimeException();
    }
    return GrpcErrors.toStatus(t);
  }
}
