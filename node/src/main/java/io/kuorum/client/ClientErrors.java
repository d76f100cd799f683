package io.kuorum.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The exceptions an operation ends in, with messages that say what happened and what to do. */
final class ClientErrors {
  private ClientErrors() {}

  static KuorumException rejected(Status status, String address, Throwable cause) {
    String description = status.getDescription();
    // The server's own words are the useful part of a refusal ("key is empty", ...).
    String message =
        description != null && !description.isBlank()
            ? description
            : Failure.describe(status) + " from " + address;
    return new KuorumException(status.getCode(), message, cause);
  }

  static OutcomeUnknownException outcomeUnknown(
      OpKind kind, Status status, String address, Throwable cause) {
    String what = " (" + Failure.describe(status) + " from " + address + ")";
    if (kind == OpKind.MEMBERSHIP) {
      return new OutcomeUnknownException(
          status.getCode(),
          "the change may or may not have taken effect"
              + what
              + "; read the leader's status (`kuorumctl members list`) to find out before"
              + " retrying it",
          cause);
    }
    return new OutcomeUnknownException(
        status.getCode(),
        "the write may or may not have been applied" + what + "; read the key to find out before"
            + " retrying it",
        cause);
  }

  static KuorumUnavailableException unavailable(
      List<String> endpoints,
      Duration deadline,
      Optional<StatusRuntimeException> last,
      String lastAddress) {
    String lastError =
        last.map(e -> " (last error from " + lastAddress + ": " + Failure.describe(e.getStatus()))
            .map(text -> text + ")")
            .orElse("");
    Status.Code code = last.map(e -> e.getStatus().getCode()).orElse(Status.Code.DEADLINE_EXCEEDED);
    if (code == Status.Code.RESOURCE_EXHAUSTED) {
      return new KuorumUnavailableException(
          code,
          "the leader stayed overloaded for "
              + format(deadline)
              + ": nothing was applied; retry later or send fewer requests"
              + lastError,
          last.orElse(null));
    }
    return new KuorumUnavailableException(
        code,
        "no leader reachable at "
            + endpoints
            + " within "
            + format(deadline)
            + ": is the cluster running? check `kuorumctl status`"
            + lastError,
        last.orElse(null));
  }

  static KuorumException interrupted(OpKind kind, boolean maybeSent, Throwable cause) {
    if (kind.changesState() && maybeSent) {
      return new OutcomeUnknownException(
          Status.Code.CANCELLED,
          "interrupted after the request was sent: it may or may not have been applied",
          cause);
    }
    return new KuorumException(Status.Code.CANCELLED, "interrupted", cause);
  }

  /** "5s", "1500ms". */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
