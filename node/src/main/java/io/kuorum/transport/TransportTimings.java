package io.kuorum.transport;

import java.time.Duration;

/**
 * Timing of the peer transport's I/O shell.
 *
 * @param reconnectMin first delay before a failed stream is reopened
 * @param reconnectMax cap of the doubling delay; a stream that stayed up this long resets it
 * @param keepAliveTime idle time before a keepalive ping (gRPC raises values below 10 s to 10 s on
 *     the client side)
 * @param keepAliveTimeout time without a ping reply after which the connection counts as dead
 * @param connectTimeout TCP connect timeout, so a black-holed peer fails instead of hanging
 * @param closeTimeout the longest {@code close()} waits for channels and threads to stop
 */
public record TransportTimings(Duration reconnectMin, Duration reconnectMax, Duration keepAliveTime,
    Duration keepAliveTimeout, Duration connectTimeout, Duration closeTimeout) {

  public TransportTimings {
    requirePositive("reconnectMin", reconnectMin);
    requirePositive("reconnectMax", reconnectMax);
    requirePositive("keepAliveTime", keepAliveTime);
    requirePositive("keepAliveTimeout", keepAliveTimeout);
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("closeTimeout", closeTimeout);
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("reconnectMax " + reconnectMax + " is below reconnectMin " + reconnectMin);
    }
  }

  /** Reconnect after 50 ms doubling to 2 s; ping after 10 s idle, dead after 5 s more. */
  public static final TransportTimings DEFAULT = new TransportTimings(Duration.ofMillis(50), Duration.ofSeconds(2),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(5));

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }
}
