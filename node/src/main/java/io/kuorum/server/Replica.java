package io.kuorum.server;

import com.google.protobuf.Message;
import io.kuorum.kv.proto.Command;
import java.util.concurrent.CompletableFuture;

/** What the gRPC services talk to: a running Raft member, or a node still waiting to join a cluster. */
public sealed interface Replica extends AutoCloseable permits RaftNode, PendingMember {

  /**
   * Proposes a command and completes with the state machine's answer once it is applied, or fails
   * with a {@link ProposalException} saying whether it may have applied.
   */
  CompletableFuture<Message> submit(Command command, long deadlineNanos);

  /** A message from a peer. Never blocks. */
  void deliver(io.kuorum.raft.Message message);

  NodeStatus status();

  /** Stops accepting requests; requests already proposed may still complete until {@link #close()}. */
  void stopAccepting();

  /** Requests proposed but not yet answered. */
  int pendingRequests();

  @Override
  void close();
}
