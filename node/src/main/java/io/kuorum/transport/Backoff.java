package io.kuorum.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect delay with jitter: {@code min * 2^failures} capped at {@code max}, then a
 * uniform pick in its upper half so peers that failed together do not retry together. Not
 * thread-safe: each peer link owns one and uses it from its serial executor.
 */
final class Backoff {
  private final long minNanos;
  private final long maxNanos;
  private final RandomGenerator random;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** Delay before the next attempt after {@code failures} consecutive failed ones (0 = first retry). */
  Duration delay(int failures) {
    long base = minNanos;
    for (int i = 0; i < failures && base < maxNanos; i++) base = base > maxNanos / 2 ? maxNanos : base * 2;
    base = Math.min(base, maxNanos);
    long half = base / 2;
    return Duration.ofNanos(half + random.nextLong(base - half + 1));
  }
}
