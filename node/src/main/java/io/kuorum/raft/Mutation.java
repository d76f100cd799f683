package io.kuorum.raft;

/**
 * Deliberately broken rules, used only by tests to prove that the simulator's invariant and
 * linearizability checks catch real bugs: a check that cannot fail is worth nothing. Each constant
 * names the rule it breaks; {@link RaftConfig} carries none unless a test asks.
 */
public enum Mutation {
  /** Vote replies leave before the vote is durable, so a crash lets a node vote twice in one term. */
  VOTE_BEFORE_PERSIST,
  /** Append replies leave before the entries are durable, so a crash loses acknowledged entries. */
  ACK_BEFORE_PERSIST,
  /** Entries of earlier terms are committed by counting replicas, against §5.4.2 (Figure 8). */
  COMMIT_PREVIOUS_TERM_BY_COUNTING,
  /** Votes are granted regardless of how up-to-date the candidate's log is, against §5.4.1. */
  NO_ELECTION_RESTRICTION,
  /** During a joint change, decisions need only a majority of C_new, against §6 (C_old's majority is skipped). */
  JOINT_DECIDES_ON_NEW_ONLY,
  /** A follower installing a leader's snapshot keeps its own configuration instead of the snapshot's (openraft#1808). */
  KEEP_CONFIGURATION_ON_INSTALL,
  /** A new leader serves reads before committing an entry of its term, against §6.4 step 1: its commit index may lag. */
  READ_BEFORE_OWN_TERM_COMMIT,
  /** A leader confirms reads at once, without a quorum answering a heartbeat round, against §6.4 step 3. */
  READ_WITHOUT_QUORUM_ROUND,
  /** Snapshots leave the client session table out (§6.3), so a member that installs one applies a retried write twice. */
  SESSIONS_LEFT_OUT_OF_SNAPSHOTS,
  /**
   * A new leader serves lease reads before an entry of its term commits, against §6.4.1 with §6.4 step 1:
   * its lease is real, but its commit index may lag behind its predecessor's.
   */
  LEASE_BEFORE_OWN_TERM_COMMIT
}
