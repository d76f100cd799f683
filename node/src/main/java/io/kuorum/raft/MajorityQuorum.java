package io.kuorum.raft;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/** A simple majority of a set of voters. The empty set agrees to everything (joint consensus relies on it). */
public record MajorityQuorum(Set<Long> voters) implements Quorum {

  public MajorityQuorum {
    for (long id : voters) {
      if (id <= 0) throw new IllegalArgumentException("member ids must be positive, got " + id);
    }
    // Sorted, so iteration order (and with it message order) is the same in every JVM: Set.copyOf's is salted per run.
    voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
  }

  public static MajorityQuorum of(Long... voters) {
    return new MajorityQuorum(Set.of(voters));
  }

  public int size() {
    return voters.size();
  }

  /** Smallest number of voters that forms a majority. */
  public int majority() {
    return voters.size() / 2 + 1;
  }

  @Override
  public long committedIndex(LongUnaryOperator matchIndexOf) {
    if (voters.isEmpty()) return Long.MAX_VALUE; // no constraint: the other half of a joint quorum decides
    long[] matches = voters.stream().mapToLong(matchIndexOf::applyAsLong).toArray();
    Arrays.sort(matches);
    // The majority()-th largest match index is held by at least a majority.
    return matches[matches.length - majority()];
  }

  @Override
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    if (voters.isEmpty()) return VoteResult.WON;
    int granted = 0;
    int missing = 0;
    for (long id : voters) {
      Boolean vote = votes.get(id);
      if (vote == null) missing++;
      else if (vote) granted++;
    }
    if (granted >= majority()) return VoteResult.WON;
    if (granted + missing >= majority()) return VoteResult.PENDING;
    return VoteResult.LOST;
  }
}
