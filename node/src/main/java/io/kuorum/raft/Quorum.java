package io.kuorum.raft;

import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * Quorum math for a configuration: who must agree for a vote to be won or an index to be committed.
 * Pure functions of their inputs; {@link MajorityQuorum} is a simple majority and {@link JointQuorum}
 * the two majorities of joint consensus (§6).
 */
public sealed interface Quorum permits MajorityQuorum, JointQuorum {

  /** Every member whose answer counts. */
  Set<Long> voters();

  /**
   * The highest index that a quorum has acknowledged, given each voter's match index. Voters the
   * function does not know should map to 0.
   */
  long committedIndex(LongUnaryOperator matchIndexOf);

  /** Counts granted ({@code true}) and rejected ({@code false}) votes; absent voters have not answered. */
  VoteResult voteResult(Map<Long, Boolean> votes);
}
