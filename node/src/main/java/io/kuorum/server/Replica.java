package io.kuorum.server;

import com.google.protobuf.Message;
import io.kuorum.kv.proto.Command;
import java.util.concurrent.CompletableFuture;

/** What the gRPC services talk to: the Raft member this process runs (which may still wait to be added). */
public sealed interface Replica extends AutoCloseable permits RaftNode {

  /**
   * Proposes a command and completes with the state machine's answer once it is applied, or fails
   * with a {@link ProposalException} saying whether it may have applied.
   */
  CompletableFuture<Message> submit(Command command, long deadlineNanos);

  /** A message from a peer. Never blocks. */
  void deliver(io.kuorum.raft.Message message);

  NodeStatus status();

  /**
   * Proposes a membership change; completes once it is committed (for ChangeVoters: once C_new is), or
   * fails with a {@link ProposalException} (REFUSED, NOT_LEADER, LOST, OUTCOME_UNKNOWN, ...).
   */
  CompletableFuture<MembershipOutcome> changeMembership(MembershipRequest request, long deadlineNanos);

  /** Hands leadership to {@code target} (0: the most up-to-date voter); completes once another node leads. */
  CompletableFuture<TransferOutcome> transferLeadership(long target, long deadlineNanos);

  /** Stops accepting requests; requests already proposed may still complete until {@link #close()}. */
  void stopAccepting();

  /** Requests proposed but not yet answered. */
  int pendingRequests();

  @Override
  void close();
}
