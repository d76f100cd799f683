package io.kuorum.raft;

import java.util.HashMap;
import java.util.Map;

/**
 * A leader's lease (dissertation §6.4.1): once a quorum answered a heartbeat the leader sent at tick
 * {@code s} of its term, each of those voters heard from it at or after {@code s} and ignores vote
 * requests for a minimum election timeout from then (§4.2.3, {@code RaftCore.inLease}); a new leader
 * needs one of their votes, so none can exist before {@code s} plus that timeout. The leader may serve
 * reads from its own state until {@code s + leaseTicks}, a margin short of it ({@link RaftConfig#leaseTicks()}).
 *
 * <p>Clock assumption: no clock of its own, only ticks; it is safe as long as the tick rates of any two
 * nodes differ by less than the margin allows (about 10%) and a node's ticks keep up with real time
 * (the runtime ticks for the time that passed, a pause included, before it serves a lease read). Leader
 * state: a new term starts with no lease.
 */
final class LeaderLease {

  private static final long NEVER = Long.MIN_VALUE;

  private final long self;
  private final int leaseTicks;
  /** Per follower, the latest send tick of a heartbeat it answered. */
  private final Map<Long, Long> answeredSentAt = new HashMap<>();

  LeaderLease(long self, int leaseTicks) {
    this.self = self;
    this.leaseTicks = leaseTicks;
  }

  /**
   * {@code follower} answered a heartbeat sent at tick {@code sentAt}; {@code now} is the leader's tick.
   * {@code sentAt} 0 times nothing: a reply to a stale-term request ({@code RaftCore.answerStale}),
   * which may reach a leader of that reply's term that never sent the request (a leader re-elected in
   * a new term; a leader's own heartbeats are sent from tick 1). Counted as sent at tick 0 it would
   * lend the lease a promise the follower never made to this leader, so it is ignored (§6.4.1).
   */
  void answered(long follower, long sentAt, long now) {
    if (sentAt == 0) return;
    if (sentAt > now) return; // not a heartbeat of this term's leader: it cannot extend the lease
    answeredSentAt.merge(follower, sentAt, Math::max);
  }

  /** Whether the lease holds at tick {@code now}: a quorum answered a heartbeat sent less than {@code leaseTicks} ago. */
  boolean holds(long now, Quorum quorum) {
    long start = quorum.committedIndex(voter -> voter == self ? now : answeredSentAt.getOrDefault(voter, NEVER));
    return start != NEVER && now - start < leaseTicks;
  }
}
