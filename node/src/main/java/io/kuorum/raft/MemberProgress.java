package io.kuorum.raft;

import java.util.OptionalLong;

/**
 * How far a member's log is behind, as the leader sees it.
 *
 * @param matchIndex highest index known to match the leader's log
 * @param lag entries between {@code matchIndex} and the leader's last index
 * @param caughtUp close enough to promote to voter (see {@link RaftConfig#catchUpEntries()})
 * @param catchUpTicks for a learner added during this leader's term: ticks from its addition until it
 *     first caught up
 */
public record MemberProgress(long matchIndex, long lag, boolean caughtUp, OptionalLong catchUpTicks) {}
