package io.kuorum.client;

import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.kuorum.kv.SessionLimits;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.Session;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The client's side of exactly-once writes (dissertation §6.3): one session per client, opened on the
 * first write, and a number for every write. Every attempt of a write carries the same number, so the
 * cluster applies it once however often it is retried, across leader changes too. Each write also
 * tells the cluster the lowest number still waiting for its answer, so the cluster can forget the
 * answers below it; a write is numbered at most {@link SessionLimits#WINDOW} past that one, as the
 * cluster requires, so one slow write holds back later ones instead of being crowded out by them.
 * Thread-safe: writes from many threads share the session.
 */
final class ClientSession {

  private final RetryingCaller caller;
  private final int ttlSeconds;
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
    while (true) {
      Session session = number(open(deadline), deadline);
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
  }

  /**
   * The session's id, opening it first if there is none. Opened outside the lock, so a thread waiting
   * for its number is not held up by another's network call; two threads that open at once leave one
   * unused session behind, which the cluster forgets after its TTL. Retried like a read
   * ({@link OpKind#OPEN_SESSION}) for the same reason: an open applied twice costs nothing more.
   */
  private long open(Deadline deadline) {
    synchronized (this) {
      if (id != 0) return id;
    }
    var request = OpenSessionRequest.newBuilder().setTtlSeconds(ttlSeconds).build();
    long opened = caller.call(KvServiceGrpc.getOpenSessionMethod(), request, OpKind.OPEN_SESSION, deadline).getSessionId();
    synchronized (this) {
      if (id == 0) id = opened;
      return id;
    }
  }

  /** The next number in session {@code sessionId}, once it is within the window of the lowest unanswered one. */
  private synchronized Session number(long sessionId, Deadline deadline) {
    while (!unanswered.isEmpty() && nextSequence >= unanswered.first() + SessionLimits.WINDOW) {
      long waitMillis = deadline.timeRemaining(TimeUnit.MILLISECONDS);
      if (waitMillis <= 0) {
        throw new KuorumUnavailableException(Status.Code.RESOURCE_EXHAUSTED, "write " + unanswered.first() + " of this"
            + " client waited for its answer for the whole deadline, and " + SessionLimits.WINDOW + " writes after it"
            + " were sent; nothing was sent; send fewer writes at once", null);
      }
      try {
        wait(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KuorumException(Status.Code.CANCELLED, "interrupted before the write was sent", e);
      }
    }
    long sequence = nextSequence++;
    unanswered.add(sequence);
    return Session.newBuilder().setId(sessionId).setSequence(sequence).setLowestUnanswered(unanswered.first()).build();
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
    notifyAll();
  }
}
