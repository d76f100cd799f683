package io.kuorum.client;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A failed attempt, classified by the error contract of the Kuorum server.
 *
 * @param leaderAddress where to go next, for {@link Verdict#REDIRECT}
 */
record Failure(Verdict verdict, Status status, Optional<String> leaderAddress) {

  /** Codes by which the server refuses a request for good, before it reaches the log. */
  private static final Set<Status.Code> REFUSALS =
      EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.UNIMPLEMENTED);

  /** Codes worth another attempt for a repeatable request; anything else would fail the same way again. */
  private static final Set<Status.Code> TRANSIENT_FOR_READS =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.ABORTED,
          Status.Code.CANCELLED);

  static Failure classify(Status status, Metadata trailers, boolean maybeSent, OpKind kind) {
    Status.Code code = status.getCode();
    if (REFUSALS.contains(code)) {
      return new Failure(Verdict.REJECTED, status, Optional.empty());
    }
    if (code == Status.Code.RESOURCE_EXHAUSTED) {
      // With the trailer: an overloaded leader shed the request, so back off and ask again.
      // Without it: a message over the size limit, which would fail the same way again.
      Verdict verdict = Trailers.notApplied(trailers) ? Verdict.RETRY_SAME : Verdict.REJECTED;
      return new Failure(verdict, status, Optional.empty());
    }
    if (code == Status.Code.FAILED_PRECONDITION && Trailers.namesLeader(trailers)) {
      Optional<String> leader = Trailers.leaderAddress(trailers);
      // Refused either way; without a usable address, ask another node who leads.
      Verdict verdict = leader.isPresent() ? Verdict.REDIRECT : Verdict.RETRY_NEXT;
      return new Failure(verdict, status, leader);
    }
    if (code == Status.Code.FAILED_PRECONDITION && kind == OpKind.MEMBERSHIP) {
      // The admin service checks its preconditions before it proposes anything.
      return new Failure(Verdict.REJECTED, status, Optional.empty());
    }
    boolean definitelyNotApplied = Trailers.notApplied(trailers) || !maybeSent;
    if (definitelyNotApplied || kind.repeatable()) {
      if (code == Status.Code.ABORTED) {
        return new Failure(Verdict.RETRY_SAME, status, Optional.empty());
      }
      if (definitelyNotApplied || TRANSIENT_FOR_READS.contains(code)) {
        return new Failure(Verdict.RETRY_NEXT, status, Optional.empty());
      }
      // A session write that may have arrived: an error that would only repeat leaves its outcome open.
      Verdict verdict = kind == OpKind.SESSION_WRITE ? Verdict.OUTCOME_UNKNOWN : Verdict.REJECTED;
      return new Failure(verdict, status, Optional.empty());
    }
    return new Failure(Verdict.OUTCOME_UNKNOWN, status, Optional.empty());
  }

  /** Whether a failed attempt may still have been applied: it may have arrived, and the server did not refuse it. */
  static boolean mayHaveApplied(Status status, Metadata trailers, boolean maybeSent) {
    return maybeSent && !Trailers.notApplied(trailers) && !Trailers.namesLeader(trailers)
        && !REFUSALS.contains(status.getCode());
  }

  /** "UNAVAILABLE: io exception (Connection refused)" — code, description and root cause. */
  static String describe(Status status) {
    var text = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      text.append(": ").append(status.getDescription());
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      text.append(" (").append(cause.getMessage()).append(')');
    }
    return text.toString();
  }
}
