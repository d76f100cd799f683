package io.kuorum.raft;

import java.util.Map;
import java.util.TreeMap;

/** The votes of one campaign (or pre-campaign). Only a voter's first answer counts: replies may be duplicated. */
final class VoteTally {

  private final Quorum quorum;
  private final Map<Long, Boolean> votes = new TreeMap<>();

  VoteTally(Quorum quorum) {
    this.quorum = quorum;
  }

  void record(long voter, boolean granted) {
    if (quorum.voters().contains(voter)) votes.putIfAbsent(voter, granted);
  }

  VoteResult result() {
    return quorum.voteResult(votes);
  }

  @Override
  public String toString() {
    return votes.toString();
  }
}
