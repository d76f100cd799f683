package io.kuorum.client;

import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.Session;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The client's side of exactly-once writes (dissertation §6.3): one session per client, opened on the
 * first write, and a number for every write. Every attempt of a write carries the same number, so the
 * cluster applies it once however often it is retried, across leader changes too. Each write also
 * tells the cluster the lowest number still waiting for its answer, so the cluster can forget the
 * answers below it. Thread-safe: writes from many threads share the session.
 */
final class ClientSession {
  /** Answers the cluster holds per session at most; more writes in flight wait for a free place. */
  static final int MAX_UNANSWERED = 1_024;

  private final RetryingCaller caller;
  private final int ttlSeconds;
  private final Semaphore room = new Semaphore(MAX_UNANSWERED);
  /** Numbers of the writes in flight; guarded by {@code this}. */
  private final TreeSet<Long> unanswered = new TreeSet<>();
  private long id;
  private long nextSequence = 1;

  ClientSession(RetryingCaller caller, int ttlSeconds) {
    this.caller = caller;
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * Sends the write {@code build} makes from its session numbers, retrying until {@code deadline}. A
   * write refused because the cluster forgot the session is sent again in a new session when no
   * earlier attempt can have been applied; otherwise its outcome is unknown.
   */
  <Req, Resp> Resp write(MethodDescriptor<Req, Resp> method, Function<Session, Req> build, Deadline deadline) {
    acquireRoom(deadline);
    try {
      while (true) {
        Session session = number(deadline);
        try {
          return caller.call(method, build.apply(session), OpKind.SESSION_WRITE, deadline);
        } catch (SessionUnknownException e) {
          if (e.mayHaveApplied()) {
            throw new OutcomeUnknownException(Status.Code.FAILED_PRECONDITION, "the write may or may not have been"
                + " applied: an attempt reached the cluster, then the cluster forgot session " + session.getId()
                + " (" + e.getMessage() + ") before a retry got the answer; read the key to find out before retrying"
                + " it", e.status());
          }
          forget(session.getId());
        } finally {
          answered(session.getSequence());
        }
      }
    } finally {
      room.release();
    }
  }

  private synchronized Session number(Deadline deadline) {
    if (id == 0) id = open(deadline);
    long sequence = nextSequence++;
    unanswered.add(sequence);
    return Session.newBuilder().setId(id).setSequence(sequence).setLowestUnanswered(unanswered.first()).build();
  }

  /**
   * Opens the session; other writers wait for it. Retried like a read ({@link OpKind#OPEN_SESSION}).
   */
  private long open(Deadline deadline) {
    var request = OpenSessionRequest.newBuilder().setTtlSeconds(ttlSeconds).build();
    return caller.call(KvServiceGrpc.getOpenSessionMethod(), request, OpKind.OPEN_SESSION, deadline).getSessionId();
  }

  /**
   * The cluster forgot session {@code forgotten}: the next write opens a new one, unless another thread
   * already did. Numbering goes on where it was, so a number in flight is never given out twice.
   */
  private synchronized void forget(long forgotten) {
    if (id == forgotten) id = 0;
  }

  private synchronized void answered(long sequence) {
    unanswered.remove(sequence);
  }

  private void acquireRoom(Deadline deadline) {
    try {
      if (!room.tryAcquire(deadline.timeRemaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS)) {
        throw new KuorumUnavailableException(Status.Code.RESOURCE_EXHAUSTED, MAX_UNANSWERED + " writes of this client"
            + " were in flight for the whole deadline; nothing was sent; send fewer writes at once", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KuorumException(Status.Code.CANCELLED, "interrupted before the write was sent", e);
    }
  }
}
