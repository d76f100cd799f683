package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kuorum.admin.proto.AddLearnerRequest;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.ChangeVotersRequest;
import io.kuorum.admin.proto.MemberRole;
import io.kuorum.admin.proto.MembershipResponse;
import io.kuorum.admin.proto.RemoveLearnerRequest;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.admin.proto.TransferLeadershipRequest;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.kv.KvLimits;
import io.kuorum.raft.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.io.TempDir;

/** The Admin API of real nodes (gRPC on loopback, MapDB files): membership changes, refusals, transfer. */
class AdminServiceTest {

  @TempDir Path dir;
  private final List<KuorumServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** A node with id {@code id}; bootstraps alone when {@code members} is empty, else joins. */
  private KuorumServer start(long id, String members) {
    int client = LoopbackPorts.free();
    int peer = LoopbackPorts.free();
    String m = members.isEmpty() ? id + "=127.0.0.1:" + peer + "/" + client : members;
    KuorumServer s = KuorumServer.start(new NodeConfig(id, "t", Member.parseList(m), dir.resolve("node-" + id),
        new HostPort("127.0.0.1", client), new HostPort("127.0.0.1", peer), 10, 10, 2, 100, KvLimits.DEFAULT, "", "", SnapshotPolicy.DEFAULT));
    servers.add(s);
    return s;
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin(KuorumServer s) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.clientPort()).usePlaintext().build();
    channels.add(ch);
    return AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(KuorumServer::close);
  }

  @Test
  void aJoiningNodeBecomesLearnerThenVoterThenLeader() {
    KuorumServer one = start(1, "");
    await().atMost(Duration.ofSeconds(10)).until(() -> one.status().role() == Role.LEADER);
    KuorumServer two = start(2, "1=127.0.0.1:" + one.peerPort() + "/" + one.clientPort());
    assertThat(admin(two).status(StatusRequest.getDefaultInstance()).getRole()).as("not added yet").isEqualTo("waiting");
    var leader = admin(one);

    refused(() -> leader.addLearner(AddLearnerRequest.newBuilder().setId(0).setPeerAddress("127.0.0.1:1").build()),
        Status.Code.INVALID_ARGUMENT, "positive member id");
    refused(() -> leader.addLearner(AddLearnerRequest.newBuilder().setId(2).setPeerAddress("no-port").build()),
        Status.Code.INVALID_ARGUMENT, "peer_address");
    refused(() -> leader.changeVoters(ChangeVotersRequest.newBuilder().addVoters(1).addVoters(2).build()),
        Status.Code.FAILED_PRECONDITION, "member 2 is not a learner");

    AddLearnerRequest add = AddLearnerRequest.newBuilder().setId(2).setPeerAddress("127.0.0.1:" + two.peerPort())
        .setClientAddress("127.0.0.1:" + two.clientPort()).build();
    MembershipResponse added = leader.addLearner(add);
    assertThat(added.getChanged()).isTrue();
    assertThat(added.getIndex()).isPositive();
    MembershipResponse again = leader.addLearner(add);
    assertThat(again.getChanged()).isFalse();
    assertThat(again.getMessage()).contains("already is a learner");

    await().atMost(Duration.ofSeconds(10)).until(() -> member(leader.status(StatusRequest.getDefaultInstance()), 2).getCaughtUp());
    StatusResponse learnerView = admin(two).status(StatusRequest.getDefaultInstance());
    assertThat(learnerView.getRole()).isEqualTo("follower");
    assertThat(member(learnerView, 2).getRole()).isEqualTo(MemberRole.LEARNER);
    assertThat(learnerView.getLeaderClientAddress()).isEqualTo("127.0.0.1:" + one.clientPort());

    StatusRuntimeException redirect = refused(() -> admin(two).changeVoters(ChangeVotersRequest.newBuilder().addVoters(1)
        .addVoters(2).build()), Status.Code.FAILED_PRECONDITION, "not the leader");
    assertThat(redirect.getTrailers().get(GrpcErrors.LEADER_ID)).isEqualTo("1");
    assertThat(redirect.getTrailers().get(GrpcErrors.LEADER_ADDRESS)).isEqualTo("127.0.0.1:" + one.clientPort());

    MembershipResponse promoted = leader.changeVoters(ChangeVotersRequest.newBuilder().addVoters(1).addVoters(2).build());
    assertThat(promoted.getChanged()).isTrue();
    StatusResponse after = leader.status(StatusRequest.getDefaultInstance());
    assertThat(after.getJoint()).isFalse();
    assertThat(member(after, 2).getRole()).isEqualTo(MemberRole.VOTER);
    assertThat(leader.changeVoters(ChangeVotersRequest.newBuilder().addVoters(2).addVoters(1).build()).getChanged()).isFalse();

    refused(() -> leader.removeLearner(RemoveLearnerRequest.newBuilder().setId(2).build()), Status.Code.FAILED_PRECONDITION,
        "is a voter");
    refused(() -> leader.transferLeadership(TransferLeadershipRequest.newBuilder().setTargetId(7).build()),
        Status.Code.FAILED_PRECONDITION, "not a voter");
    assertThat(leader.transferLeadership(TransferLeadershipRequest.newBuilder().setTargetId(2).build()).getLeaderId())
        .isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> two.status().role() == Role.LEADER);
  }

  private static io.kuorum.admin.proto.Member member(StatusResponse s, long id) {
    return s.getMembersList().stream().filter(m -> m.getId() == id).findFirst().orElseThrow(
        () -> new AssertionError("member " + id + " not in " + s.getMembersList()));
  }

  private static StatusRuntimeException refused(ThrowingCallable call, Status.Code code, String reason) {
    StatusRuntimeException[] caught = new StatusRuntimeException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(reason);
      caught[0] = e;
    });
    return caught[0];
  }
}
