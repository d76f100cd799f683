package io.kuorum.server;

import io.grpc.stub.StreamObserver;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;

/** Status of this node, as the CLI and the operator read it. */
final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {

  static final String VERSION = "0.1.0-SNAPSHOT";

  private final NodeConfig config;
  private final Replica replica;

  AdminServiceImpl(NodeConfig config, Replica replica) {
    this.config = config;
    this.replica = replica;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    NodeStatus s = replica.status();
    StatusResponse.Builder b = StatusResponse.newBuilder()
        .setId(s.id())
        .setClusterId(config.clusterId())
        .setRole(s.roleName())
        .setTerm(s.term())
        .setLeaderId(s.leaderId().orElse(0))
        .setCommitIndex(s.commitIndex())
        .setAppliedIndex(s.appliedIndex())
        .setLastIndex(s.lastIndex())
        .setVersion(VERSION);
    if (s.leaderId().isPresent()) {
      config.member(s.leaderId().getAsLong()).ifPresent(m -> b.setLeaderClientAddress(m.clientAddress()));
    }
    for (Member m : config.members()) {
      b.addMembers(io.kuorum.admin.proto.Member.newBuilder().setId(m.id()).setPeerAddress(m.peerAddress())
          .setClientAddress(m.clientAddress()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
