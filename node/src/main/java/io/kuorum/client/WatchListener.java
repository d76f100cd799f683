package io.kuorum.client;

/**
 * Receives what a {@link Watch} sees. Calls come one at a time, never concurrently, on a gRPC thread:
 * a listener that takes long slows its own watch (and, past the member's backlog bound, makes the
 * client resume it from history), but nothing else.
 */
public interface WatchListener {

  /** The next change, in revision order; a change is delivered once, even across reconnects. */
  void onEvent(WatchEvent event);

  /**
   * The watch ended for good and calls nothing more: {@code OUT_OF_RANGE} when no member can replay
   * the revision to resume from any more (read the state with a range, then watch from its revision
   * + 1), {@code INVALID_ARGUMENT} for a bad request, or the listener itself threw.
   */
  void onError(KuorumException error);

  /** Nothing matching happened up to {@code revision}: a resumed watch starts after it. */
  default void onProgress(long revision) {}

  /** A stream to {@code endpoint} is open; it sends the changes after {@code revision}. Called again after each reconnect. */
  default void onConnected(String endpoint, long revision) {}
}
