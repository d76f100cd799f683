package io.kuorum.raft;

import java.util.OptionalLong;

/** The answer to {@link RaftCore#transferLeadership(long)}. */
public sealed interface TransferResult {

  /** The leader stopped taking proposals and is bringing {@code target} up to date to hand over to it. */
  record Started(long target) implements TransferResult {}

  /** {@code target} already leads. */
  record AlreadyLeader(long target) implements TransferResult {}

  record NotLeader(OptionalLong leaderHint) implements TransferResult {}

  record Refused(String reason) implements TransferResult {}
}
