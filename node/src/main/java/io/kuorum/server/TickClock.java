package io.kuorum.server;

/**
 * Counts the Raft ticks that are due by the monotonic clock. The core's timers, a leader's lease
 * among them (dissertation §6.4.1), are measured in ticks; a tick that a busy Raft thread or a paused
 * process never delivered would make the lease outlive the followers' promise behind it. So the
 * runtime ticks the core for every tick period that passed, however late it gets to it, and does so
 * before every input it hands the core ({@link RaftInbox}), not only on the ticker's schedule: the
 * overdue ticks of a pause must reach the core before a message, proposal or read that waited through
 * it. A heartbeat stepped ahead of them would be answered (and counted toward the leader's lease) as
 * if heard just now, and then the overdue ticks would end at once the minimum election timeout the
 * answer promises (§4.2.3), freeing the follower to vote while the leader's lease still counts on it.
 *
 * <p>Assumes {@code System.nanoTime} keeps running while the process is stopped (true for SIGSTOP and
 * GC pauses on Linux, whose monotonic clock does not count a suspended host: a suspended host must be
 * treated as a node whose clock stopped, which the lease's drift margin does not cover).
 */
final class TickClock {

  private final long tickNanos;
  private final long maxTicksAtOnce;
  /** When the next tick is due. */
  private long nextNanos;

  /**
   * @param maxTicksAtOnce most ticks to hand out at once after a long pause: any more only repeat what
   *     the core does after that many (every election timer fired, every lease lapsed)
   */
  TickClock(long tickNanos, long maxTicksAtOnce, long nowNanos) {
    this.tickNanos = tickNanos;
    this.maxTicksAtOnce = maxTicksAtOnce;
    this.nextNanos = nowNanos + tickNanos;
  }

  /** The ticks that became due since the last call (0 or more); they count as delivered. */
  long due(long nowNanos) {
    if (nowNanos - nextNanos < 0) return 0;
    long ticks = (nowNanos - nextNanos) / tickNanos + 1;
    nextNanos += ticks * tickNanos;
    return Math.min(ticks, maxTicksAtOnce);
  }
}
