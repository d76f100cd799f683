package io.kuorum.raft;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/**
 * Joint consensus (§6): while the cluster moves from C_old to C_new, every decision needs a majority
 * of C_new (incoming) and a majority of C_old (outgoing).
 */
public record JointQuorum(MajorityQuorum incoming, MajorityQuorum outgoing) implements Quorum {

  @Override
  public Set<Long> voters() {
    TreeSet<Long> all = new TreeSet<>(incoming.voters());
    all.addAll(outgoing.voters());
    return Collections.unmodifiableSortedSet(all);
  }

  @Override
  public long committedIndex(LongUnaryOperator matchIndexOf) {
    return Math.min(incoming.committedIndex(matchIndexOf), outgoing.committedIndex(matchIndexOf));
  }

  @Override
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    VoteResult in = incoming.voteResult(votes);
    VoteResult out = outgoing.voteResult(votes);
    if (in == out) return in;
    if (in == VoteResult.LOST || out == VoteResult.LOST) return VoteResult.LOST;
    return VoteResult.PENDING;
  }
}
