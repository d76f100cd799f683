package io.kuorum.client;

import io.grpc.Status;

/**
 * A Kuorum operation failed. {@link #code()} is the gRPC status code behind the failure, so callers
 * can branch on it without parsing messages.
 */
public class KuorumException extends RuntimeException {
  private final Status.Code code;

  public KuorumException(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public KuorumException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status code of the failure. */
  public Status.Code code() {
    return code;
  }
}
