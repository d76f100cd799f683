package io.kuorum.raft;

import java.util.OptionalLong;

/** The immediate answer to {@link RaftCore#requestRead}; a pending read is answered by a {@link ReadState}. */
public sealed interface ReadResult {

  /** The leader took the read; a {@link ReadState} with this read's id follows in a later {@link Ready}. */
  record Pending() implements ReadResult {}

  /** This node is not the leader; {@code leaderHint} is the leader it knows of, if any. */
  record NotLeader(OptionalLong leaderHint) implements ReadResult {}

  /** This node will not serve the read this way, for a reason that retrying will not change ({@code reason} says). */
  record Refused(String reason) implements ReadResult {}
}
