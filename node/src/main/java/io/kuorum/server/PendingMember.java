package io.kuorum.server;

import com.google.protobuf.Message;
import io.kuorum.kv.proto.Command;
import io.kuorum.raft.Role;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** A node whose id is not among the cluster's members: it serves status and refuses requests with a reason. */
final class PendingMember implements Replica {

  private final long id;
  private final String reason;

  PendingMember(long id, String reason) {
    this.id = id;
    this.reason = reason;
  }

  @Override
  public CompletableFuture<Message> submit(Command command, long deadlineNanos) {
    return CompletableFuture.failedFuture(new ProposalException(ProposalException.Kind.NOT_IN_CLUSTER, reason));
  }

  @Override
  public void deliver(io.kuorum.raft.Message message) {
    // Not a member: Raft traffic is not for us until we are added.
  }

  @Override
  public NodeStatus status() {
    return new NodeStatus(id, false, Role.FOLLOWER, 0, OptionalLong.empty(), 0, 0, 0);
  }

  @Override
  public void stopAccepting() {}

  @Override
  public int pendingRequests() {
    return 0;
  }

  @Override
  public void close() {}
}
