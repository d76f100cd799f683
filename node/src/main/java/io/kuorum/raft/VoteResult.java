package io.kuorum.raft;

/** The outcome of counting votes (or acknowledgements) against a quorum. */
public enum VoteResult {
  /** A quorum said yes. */
  WON,
  /** Enough said no that a quorum can no longer say yes. */
  LOST,
  /** Undecided: too few answers yet. */
  PENDING
}
