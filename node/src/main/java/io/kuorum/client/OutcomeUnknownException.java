package io.kuorum.client;

import io.grpc.Status;

/**
 * A write failed after it may have reached the leader: it may or may not have been applied. The
 * client does not retry such a write, because a second attempt could apply it twice; read the key
 * to find out what happened.
 */
public class OutcomeUnknownException extends KuorumException {
  public OutcomeUnknownException(Status.Code code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
