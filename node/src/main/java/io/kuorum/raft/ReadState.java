package io.kuorum.raft;

import java.util.OptionalLong;

/**
 * What became of a read asked for with {@link RaftCore#requestRead} or {@link RaftCore#requestLeaseRead};
 * reported in {@link Ready#reads()}.
 */
public sealed interface ReadState {

  long readId();

  /**
   * Dissertation §6.4: the leader (this node, or the one a follower asked) led with a quorum behind it
   * after the read arrived, or held its lease then (§6.4.1), and {@code index} was its commit index
   * then. Once this node's state machine has applied {@code index}, the read may be served from it and
   * is linearizable.
   */
  record Confirmed(long readId, long index) implements ReadState {}

  /**
   * The read was not confirmed: the leader stopped leading first, or (at a follower) another leader or
   * none took over, or a new term began, or the leader's answer did not come in time. Retry it at {@code leaderHint}, if known.
   */
  record Abandoned(long readId, OptionalLong leaderHint) implements ReadState {}
}
