package io.kuorum.server;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kuorum.kv.InvalidRequestException;
import io.kuorum.kv.proto.SessionRefusal;
import java.util.concurrent.CompletionException;

/**
 * Maps failures to the gRPC statuses of the client contract (README, "Errors"): the code says what
 * kind of failure it was, the description what to do, and trailers tell a client where the leader
 * is and whether the request definitely was not applied (so a retry is safe).
 */
public final class GrpcErrors {

  public static final Metadata.Key<String> LEADER_ID = Metadata.Key.of("kuorum-leader-id", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> LEADER_ADDRESS =
      Metadata.Key.of("kuorum-leader-address", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> NOT_APPLIED = Metadata.Key.of("kuorum-not-applied", Metadata.ASCII_STRING_MARSHALLER);

  /** Set when a session write was refused because the cluster does not know its session: open a new one. */
  public static final Metadata.Key<String> SESSION = Metadata.Key.of("kuorum-session", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcErrors() {}

  /**
   * A session write the state machine refused. This attempt was not applied; but when the client
   * retried a write whose answer it had already acknowledged, the first attempt was, so that refusal
   * does not say "not applied".
   */
  public static StatusRuntimeException toStatus(SessionRefusal refusal) {
    Metadata trailers = new Metadata();
    Status status = switch (refusal.getReason()) {
      case UNKNOWN_SESSION -> {
        trailers.put(NOT_APPLIED, "true");
        trailers.put(SESSION, "unknown");
        yield Status.FAILED_PRECONDITION;
      }
      case TOO_MANY_UNANSWERED -> {
        trailers.put(NOT_APPLIED, "true");
        yield Status.RESOURCE_EXHAUSTED;
      }
      case ANSWER_FORGOTTEN, SEQUENCE_REUSED, UNRECOGNIZED -> Status.FAILED_PRECONDITION;
    };
    return status.withDescription(refusal.getMessage()).asRuntimeException(trailers);
  }

  public static StatusRuntimeException toStatus(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof InvalidRequestException e) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (t instanceof ProposalException e) {
      Metadata trailers = new Metadata();
      if (e.kind().notApplied()) trailers.put(NOT_APPLIED, "true");
      e.leaderId().ifPresent(id -> trailers.put(LEADER_ID, Long.toString(id)));
      e.leaderAddress().ifPresent(a -> trailers.put(LEADER_ADDRESS, a));
      Status status = switch (e.kind()) {
        case NOT_LEADER, REFUSED -> Status.FAILED_PRECONDITION;
        case ABANDONED -> Status.ABORTED;
        case NO_LEADER, NOT_IN_CLUSTER, SHUTTING_DOWN, OUTCOME_UNKNOWN -> Status.UNAVAILABLE;
        case LOST -> Status.ABORTED;
        case OVERLOADED -> Status.RESOURCE_EXHAUSTED;
      };
      return status.withDescription(e.getMessage()).asRuntimeException(trailers);
    }
    return Status.INTERNAL.withDescription("internal error: " + t).withCause(t).asRuntimeException();
  }
}
