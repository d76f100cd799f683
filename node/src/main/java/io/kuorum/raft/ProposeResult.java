package io.kuorum.raft;

import java.util.OptionalLong;

/** The answer to a proposal: a command ({@link RaftCore#propose}) or a configuration change. */
public sealed interface ProposeResult {

  /**
   * The entry was appended at (index, term). It is committed once an entry at that index with that
   * term is applied; if a different entry is applied there, the proposal was lost and never applies.
   */
  record Accepted(long index, long term) implements ProposeResult {}

  /** This node is not the leader; {@code leaderHint} is the leader it knows of, if any. */
  record NotLeader(OptionalLong leaderHint) implements ProposeResult {}

  /** The leader cannot take this proposal now or ever; {@code reason} says why and what to do. */
  record Refused(String reason) implements ProposeResult {}

  /** The cluster already is where the change would take it; nothing was appended. */
  record Unchanged(String what) implements ProposeResult {}
}
