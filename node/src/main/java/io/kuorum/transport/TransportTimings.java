package io.kuorum.transport;

import java.time.Duration;

/**
 * Timing of the peer transport's I/O shell.
 *
 * @param reconnectMin first delay before a failed stream is reopened (and a broken snapshot call
 *     retried)
 * @param reconnectMax cap of the doubling delay; a stream that stayed up this long resets it
 * @param keepAliveTime idle time before a keepalive ping (gRPC raises values below 10 s to 10 s on
 *     the client side)
 * @param keepAliveTimeout time without a ping reply after which the connection counts as dead
 * @param connectTimeout TCP connect timeout, so a black-holed peer fails instead of hanging
 * @param closeTimeout the longest {@code close()} waits for channels and threads to stop
 * @param snapshotDeadlineBase the part of a snapshot transfer's deadline that does not depend on its
 *     size: connecting, the receiver's final fsync, a few retries
 * @param snapshotMinBytesPerSecond the slowest rate a snapshot transfer is allowed to average; with
 *     the base it gives the transfer's overall deadline (see {@link #snapshotDeadline})
 */
public record TransportTimings(Duration reconnectMin, Duration reconnectMax, Duration keepAliveTime,
    Duration keepAliveTimeout, Duration connectTimeout, Duration closeTimeout, Duration snapshotDeadlineBase,
    long snapshotMinBytesPerSecond) {

  static final Duration DEFAULT_SNAPSHOT_DEADLINE_BASE = Duration.ofSeconds(30);
  /** 1 MiB/s: far below any link between pods, so only a transfer that is truly stuck runs out. */
  static final long DEFAULT_SNAPSHOT_MIN_BYTES_PER_SECOND = 1 << 20;
  /** Deadlines are capped here (about a century: none in practice), so they always fit in nanoseconds. */
  static final Duration MAX_SNAPSHOT_DEADLINE = Duration.ofDays(36_500);

  public TransportTimings {
    requirePositive("reconnectMin", reconnectMin);
    requirePositive("reconnectMax", reconnectMax);
    requirePositive("keepAliveTime", keepAliveTime);
    requirePositive("keepAliveTimeout", keepAliveTimeout);
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("closeTimeout", closeTimeout);
    requirePositive("snapshotDeadlineBase", snapshotDeadlineBase);
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("reconnectMax " + reconnectMax + " is below reconnectMin " + reconnectMin);
    }
    if (snapshotDeadlineBase.compareTo(MAX_SNAPSHOT_DEADLINE) > 0) {
      throw new IllegalArgumentException("snapshotDeadlineBase " + snapshotDeadlineBase + " is above the cap of "
          + MAX_SNAPSHOT_DEADLINE);
    }
    if (snapshotMinBytesPerSecond < 1) {
      throw new IllegalArgumentException("snapshotMinBytesPerSecond must be >= 1, got " + snapshotMinBytesPerSecond);
    }
  }

  /** Timings with the default snapshot deadline: 30 s plus the size at 1 MiB/s. */
  public TransportTimings(Duration reconnectMin, Duration reconnectMax, Duration keepAliveTime, Duration keepAliveTimeout,
      Duration connectTimeout, Duration closeTimeout) {
    this(reconnectMin, reconnectMax, keepAliveTime, keepAliveTimeout, connectTimeout, closeTimeout,
        DEFAULT_SNAPSHOT_DEADLINE_BASE, DEFAULT_SNAPSHOT_MIN_BYTES_PER_SECOND);
  }

  /**
   * Reconnect after 50 ms doubling to 2 s; ping after 10 s idle, dead after 5 s more; a snapshot
   * transfer may take 30 s plus its size at 1 MiB/s.
   */
  public static final TransportTimings DEFAULT = new TransportTimings(Duration.ofMillis(50), Duration.ofSeconds(2),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(5));

  /** The same timings with another snapshot deadline. */
  public TransportTimings withSnapshotDeadline(Duration base, long minBytesPerSecond) {
    return new TransportTimings(reconnectMin, reconnectMax, keepAliveTime, keepAliveTimeout, connectTimeout, closeTimeout,
        base, minBytesPerSecond);
  }

  /**
   * The overall deadline of a transfer of {@code sizeBytes}, over all its calls and retries:
   * {@code snapshotDeadlineBase + sizeBytes / snapshotMinBytesPerSecond}. It scales with the size so
   * that one setting suits a 1 MB and a 1 GB snapshot. Capped at about a century.
   */
  public Duration snapshotDeadline(long sizeBytes) {
    if (sizeBytes < 0) throw new IllegalArgumentException("size must be >= 0, got " + sizeBytes);
    long seconds = sizeBytes / snapshotMinBytesPerSecond;
    // The remainder is below the rate, so scaling it to nanoseconds in double loses under a nanosecond.
    long nanos = (long) ((double) (sizeBytes % snapshotMinBytesPerSecond) * 1e9 / snapshotMinBytesPerSecond);
    if (seconds >= MAX_SNAPSHOT_DEADLINE.getSeconds()) return MAX_SNAPSHOT_DEADLINE;
    Duration d = snapshotDeadlineBase.plusSeconds(seconds).plusNanos(nanos);
    return d.compareTo(MAX_SNAPSHOT_DEADLINE) > 0 ? MAX_SNAPSHOT_DEADLINE : d;
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }
}
