package io.kuorum.client;

import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one unary call against the cluster: finds the leader (following redirects, moving on from
 * nodes that do not answer), retries what the error contract allows, and gives up at the
 * operation's deadline.
 */
final class RetryingCaller {
  /**
   * No attempt starts with less time than this left (at most a tenth of the deadline): a write
   * sent in the last instant would time out after sending and turn "nothing applied" into
   * "outcome unknown".
   */
  private static final Duration MIN_ATTEMPT = Duration.ofMillis(50);

  private final ChannelPool channels;
  private final LeaderRouter router;
  private final ClientOptions options;

  RetryingCaller(ChannelPool channels, LeaderRouter router, ClientOptions options) {
    this.channels = channels;
    this.router = router;
    this.options = options;
  }

  <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, Req request, OpKind kind) {
    Duration budget = options.deadlineFor(kind);
    return call(method, request, kind, Deadline.after(budget.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * One operation that must end by {@code deadline}.
   *
   * @throws SessionUnknownException for a {@link OpKind#SESSION_WRITE} whose session the cluster no
   *     longer knows, saying whether an earlier attempt may have been applied
   */
  <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, Req request, OpKind kind, Deadline deadline) {
    Duration budget = options.deadlineFor(kind);
    long reserveNanos = Math.min(MIN_ATTEMPT.toNanos(), budget.toNanos() / 10);
    var schedule =
        new RetrySchedule(router, new Backoff(options.initialBackoff(), options.maxBackoff()));
    String address = router.preferred();
    Optional<StatusRuntimeException> last = Optional.empty();
    String lastAddress = address;
    boolean mayHaveApplied = false; // by an earlier attempt: matters for session writes only
    while (deadline.timeRemaining(TimeUnit.NANOSECONDS) > reserveNanos) {
      var tracker = new SendTracker();
      CallOptions callOptions =
          CallOptions.DEFAULT
              .withDeadline(attemptDeadline(kind, deadline))
              .withStreamTracerFactory(tracker);
      try {
        Resp response =
            ClientCalls.blockingUnaryCall(channels.channel(address), method, callOptions, request);
        // Followers serve reads (§6.4): only an answer to what a leader alone serves shows who leads.
        if (kind.onlyLeaderServes()) router.leaderAt(address);
        return response;
      } catch (StatusRuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw ClientErrors.interrupted(kind, tracker.maybeSent(), e);
        }
        Metadata trailers = e.getTrailers() != null ? e.getTrailers() : new Metadata();
        if (kind == OpKind.SESSION_WRITE && Trailers.sessionUnknown(trailers)) {
          throw new SessionUnknownException(mayHaveApplied, e);
        }
        Failure failure = Failure.classify(e.getStatus(), trailers, tracker.maybeSent(), kind);
        switch (failure.verdict()) {
          case REJECTED -> throw mayHaveApplied
              ? ClientErrors.outcomeUnknown(kind, failure.status(), address, e)
              : ClientErrors.rejected(failure.status(), address, e);
          case OUTCOME_UNKNOWN ->
              throw ClientErrors.outcomeUnknown(kind, failure.status(), address, e);
          default -> {}
        }
        mayHaveApplied |= kind == OpKind.SESSION_WRITE && Failure.mayHaveApplied(e.getStatus(), trailers, tracker.maybeSent());
        // A call cut short by the operation's own deadline says less than the answer before it.
        if (last.isEmpty() || !cutShortBy(deadline, e)) {
          last = Optional.of(e);
          lastAddress = address;
        }
        RetrySchedule.Step step = schedule.next(failure, address);
        address = step.address();
        pause(step.pause(), deadline);
      }
    }
    if (mayHaveApplied) {
      StatusRuntimeException e = last.orElseThrow();
      throw ClientErrors.outcomeUnknown(kind, e.getStatus(), lastAddress, e);
    }
    throw ClientErrors.unavailable(router.endpoints(), budget, last, lastAddress);
  }

  private static boolean cutShortBy(Deadline deadline, StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED && deadline.isExpired();
  }

  /**
   * A change that cannot be repeated gets the rest of the deadline; a read or a session write at
   * most one attempt's worth of it, so a hung node does not eat the whole deadline.
   */
  private Deadline attemptDeadline(OpKind kind, Deadline operation) {
    if (!kind.repeatable()) {
      return operation;
    }
    return Deadline.after(options.readAttemptTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .minimum(operation);
  }

  static void pause(Duration pause, Deadline deadline) {
    long millis = Math.min(pause.toMillis(), deadline.timeRemaining(TimeUnit.MILLISECONDS));
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Interrupted between attempts: the last attempt was not applied, or it would not be retried.
      throw new KuorumException(Status.Code.CANCELLED, "interrupted while retrying", e);
    }
  }
}
