package io.kuorum.client;

import io.grpc.StatusRuntimeException;

/**
 * The cluster refused a session write because it no longer knows the session (it expired or was
 * evicted). That attempt was not applied; {@link #mayHaveApplied()} says whether an earlier attempt
 * of the same write may have been. Internal: {@link ClientSession} either opens a new session and
 * sends the write again, or reports an unknown outcome.
 */
final class SessionUnknownException extends RuntimeException {
  private final boolean mayHaveApplied;

  SessionUnknownException(boolean mayHaveApplied, StatusRuntimeException cause) {
    super(cause.getStatus().getDescription(), cause);
    this.mayHaveApplied = mayHaveApplied;
  }

  boolean mayHaveApplied() {
    return mayHaveApplied;
  }

  StatusRuntimeException status() {
    return (StatusRuntimeException) getCause();
  }
}
