package io.kuorum.raft;

import java.util.OptionalLong;

/** What became of a read asked for with {@link RaftCore#requestRead}; reported in {@link Ready#reads()}. */
public sealed interface ReadState {

  long readId();

  /**
   * Dissertation §6.4: this node led with a quorum behind it after the read arrived, and {@code index}
   * was its commit index then. Once the state machine has applied {@code index}, the read may be served
   * from it and is linearizable.
   */
  record Confirmed(long readId, long index) implements ReadState {}

  /** The node stopped leading before it could confirm the read; retry it at {@code leaderHint}, if known. */
  record Abandoned(long readId, OptionalLong leaderHint) implements ReadState {}
}
