package io.kuorum.client;

import java.time.Duration;

/** Pauses between retries of one operation: the initial pause, doubling up to a cap. */
final class Backoff {
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    this.next = initial;
    this.max = max;
  }

  /** The pause to take now; the following one is twice as long, up to the cap. */
  Duration next() {
    Duration current = next;
    Duration doubled = current.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return current;
  }
}
