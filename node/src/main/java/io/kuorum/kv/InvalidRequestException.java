package io.kuorum.kv;

/** A client request that breaks the service's rules; nothing was proposed. The message says which rule. */
public final class InvalidRequestException extends RuntimeException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
