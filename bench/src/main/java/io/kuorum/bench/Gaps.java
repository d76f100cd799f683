package io.kuorum.bench;

/**
 * Windows without a successful operation: the gaps between consecutive successes, the run's start
 * and end counting as bounds, so a run that stalls at its end shows the stall up to the end.
 */
final class Gaps {

  /** The window from {@code start} to {@code end}, in nanoseconds of {@link System#nanoTime()}. */
  record Gap(long start, long end) {
    double millis() {
      return (end - start) / 1e6;
    }
  }

  private Gaps() {}

  /** The longest gap between {@code from}, the success times {@code sorted} (ascending) and {@code to}. */
  static Gap longest(long[] sorted, long from, long to) {
    return longestEndingAfter(sorted, from, to, Long.MIN_VALUE);
  }

  /**
   * The longest of those gaps that ends after {@code at}: the longest window without a success
   * around and after an event at {@code at} (a kill), whatever stalls came before it.
   */
  static Gap longestEndingAfter(long[] sorted, long from, long to, long at) {
    Gap best = null;
    for (int i = 0; i <= sorted.length; i++) {
      long a = i == 0 ? from : Math.max(from, sorted[i - 1]);
      long b = i < sorted.length ? Math.max(a, sorted[i]) : Math.max(to, a);
      if (b > at && (best == null || b - a > best.end() - best.start())) best = new Gap(a, b);
    }
    return best == null ? new Gap(to, to) : best;
  }
}
