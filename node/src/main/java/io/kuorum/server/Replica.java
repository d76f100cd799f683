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
  /**
   * A linearizable read (Get or Range) served without a log entry (ReadIndex, dissertation §6.4): by the
   * leader, once a quorum confirmed it still leads and the state has applied the commit index; by a
   * follower, once the leader gave it a read index and it has applied that far.
   */
  CompletableFuture<Message> read(Command command, long deadlineNanos);

  /**
   * A lease read (Get or Range, dissertation §6.4.1): the leader answers from its state without a
   * quorum round while its lease holds, else as {@link #read}. A follower points at the leader.
   */
  CompletableFuture<Message> readLease(Command command, long deadlineNanos);

  /** A serializable read (Get or Range): answered from this member's own state, whatever its role. */
  CompletableFuture<Message> readLocal(Command command);

  void deliver(io.kuorum.raft.Message message);

  NodeStatus status();

  /**
   * Proposes a membership change; completes once it is committed (for ChangeVoters: once C_new is), or
   * fails with a {@link ProposalException} (REFUSED, NOT_LEADER, LOST, OUTCOME_UNKNOWN, ...).
   */
  CompletableFuture<MembershipOutcome> changeMembership(MembershipRequest request, long deadlineNanos);

  /** Hands leadership to {@code target} (0: the most up-to-date voter); completes once another node leads. */
  CompletableFuture<TransferOutcome> transferLeadership(long target, long deadlineNanos);

  /**
   * A snapshot for a backup, held open: it holds every write acknowledged before this call. Completes
   * once the leader has committed a barrier entry (proving it still leads and has applied everything
   * acknowledged before) and a snapshot at or after it is durable; fails with a {@link ProposalException}
   * (NOT_LEADER naming the leader, ...) or a storage error. The caller closes what it gets.
   */
  CompletableFuture<HeldSnapshot> saveSnapshot(long deadlineNanos);

  /** Stops accepting requests; requests already proposed may still complete until {@link #close()}. */
  void stopAccepting();

  /** Requests proposed but not yet answered. */
  int pendingRequests();

  @Override
  void close();
}
