package io.kuorum.client;

import io.grpc.Status;

/**
 * No leader could be reached within the operation's deadline. Nothing was applied: the client only
 * gives up this way when every attempt was definitely rejected or never sent (a write that might
 * have been applied ends in {@link OutcomeUnknownException} instead).
 */
public class KuorumUnavailableException extends KuorumException {
  public KuorumUnavailableException(Status.Code code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
