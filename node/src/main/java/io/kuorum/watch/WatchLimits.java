package io.kuorum.watch;

import io.kuorum.kv.Change;
import java.time.Duration;

/**
 * Memory bounds of watches on one member.
 *
 * @param historyEvents changes kept for watches that start from a past revision
 * @param historyBytes ... and at most this many bytes of them (keys and values); the older are dropped first
 * @param backlogEvents changes one watcher may have waiting to be sent before it is ended as fallen behind
 * @param backlogBytes ... and at most this many bytes of them
 * @param maxWatchers watch streams the member serves at once; one more is refused, so the backlogs
 *     together stay below {@code maxWatchers * backlogBytes}
 * @param minProgressInterval the shortest progress interval a client may ask for
 */
public record WatchLimits(int historyEvents, long historyBytes, int backlogEvents, long backlogBytes, int maxWatchers,
    Duration minProgressInterval) {

  /**
   * 10,000 changes or 16 MiB of history (seconds to minutes of writes, enough to bridge a reconnect);
   * 1,000 changes or 4 MiB of backlog per watcher; 10,000 watchers (far more than a member's clients
   * need when each watches a prefix, and few enough that the threads and timers serving them keep up);
   * progress at most every 100 ms.
   */
  public static final WatchLimits DEFAULT =
      new WatchLimits(10_000, 16L << 20, 1_000, 4L << 20, 10_000, Duration.ofMillis(100));

  public WatchLimits {
    if (historyEvents < 0) throw new IllegalArgumentException("--watch-history-events must be >= 0, got " + historyEvents);
    if (historyBytes < 0) throw new IllegalArgumentException("--watch-history-bytes must be >= 0, got " + historyBytes);
    if (backlogEvents < 1) throw new IllegalArgumentException("--watch-backlog-events must be >= 1, got " + backlogEvents);
    if (backlogBytes < 1) throw new IllegalArgumentException("--watch-backlog-bytes must be >= 1, got " + backlogBytes);
    if (maxWatchers < 1) throw new IllegalArgumentException("--watch-max-watchers must be >= 1, got " + maxWatchers);
    if (minProgressInterval.isNegative() || minProgressInterval.isZero()) {
      throw new IllegalArgumentException("the minimum progress interval must be positive, got " + minProgressInterval);
    }
  }

  public WatchLimits withHistory(int events, long bytes) {
    return new WatchLimits(events, bytes, backlogEvents, backlogBytes, maxWatchers, minProgressInterval);
  }

  public WatchLimits withBacklog(int events, long bytes) {
    return new WatchLimits(historyEvents, historyBytes, events, bytes, maxWatchers, minProgressInterval);
  }

  public WatchLimits withMaxWatchers(int watchers) {
    return new WatchLimits(historyEvents, historyBytes, backlogEvents, backlogBytes, watchers, minProgressInterval);
  }

  /** What one change costs in these bounds: its key and value plus a fixed overhead for the objects around them. */
  static long bytesOf(Change change) {
    long payload = change instanceof Change.Put p ? p.kv().getValue().size() : 0;
    return change.key().size() + payload + 64;
  }
}
