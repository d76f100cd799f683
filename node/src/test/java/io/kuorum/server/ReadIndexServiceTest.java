package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.KuorumException;
import io.kuorum.client.ReadConsistency;
import io.kuorum.raft.Role;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kuorum.kv.proto.Consistency;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.RangeRequest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gets and ranges of real nodes are served by ReadIndex (§6.4), at the leader or at a follower, or by
 * the leader's lease (§6.4.1): right answers, and no log entry per read.
 */
class ReadIndexServiceTest {

  @TempDir Path dir;
  private KuorumServer server;
  private final List<KuorumServer> cluster = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) server.close();
    cluster.forEach(KuorumServer::close);
  }

  @Test
  void readsSeeEveryAcknowledgedWriteWithoutGrowingTheLog() {
    server = SingleNode.start(dir.resolve("data"), "reads");
    try (KuorumClient c = KuorumClient.connect(List.of(SingleNode.endpoint(server)), ClientOptions.defaults())) {
      long revision = 0;
      for (int i = 0; i < 20; i++) revision = c.put("k/" + i, "v" + i);
      long lastIndex = server.status().lastIndex();
      for (int i = 0; i < 20; i++) {
        assertThat(c.get("k/" + i).map(KeyValue::valueUtf8)).as("k/%d", i).isEqualTo(Optional.of("v" + i));
      }
      assertThat(c.get("absent")).isEmpty();
      assertThat(c.range("k/", 0).entries()).hasSize(20);
      assertThat(server.status().lastIndex()).as("40 reads appended nothing to the log").isEqualTo(lastIndex);
      assertThat(c.put("k/0", "newer")).isGreaterThan(revision);
      assertThat(c.get("k/0").map(KeyValue::valueUtf8)).as("a read after a write sees it").contains("newer");
    }
  }

  @Test
  void aFollowerServesLinearizableReadsItselfAndPointsLeaseReadsAtTheLeader() {
    cluster.addAll(SingleNode.cluster(dir, "follower", 3));
    KuorumServer leader = cluster.stream().filter(s -> s.status().role() == Role.LEADER).findFirst().orElseThrow();
    KuorumServer follower = cluster.stream().filter(s -> s != leader).findFirst().orElseThrow();
    try (KuorumClient c = KuorumClient.connect(List.of(SingleNode.endpoint(leader)), ClientOptions.defaults())) {
      c.put("k", "v1");
      long revision = c.put("k", "v2");
      long lastIndex = leader.status().lastIndex();
      assertThat(c.get("k", ReadConsistency.LEASE).map(KeyValue::valueUtf8)).as("the leader's lease read").contains("v2");
      assertThat(leader.status().lastIndex()).isEqualTo(lastIndex);
      assertThat(revision).isPositive();
    }
    // A plain stub follows no redirect: the answer comes from the follower itself, and sees the
    // acknowledged write at once (the follower waits until it has applied the leader's read index).
    ManagedChannel channel = ManagedChannelBuilder.forTarget(SingleNode.endpoint(follower)).usePlaintext().build();
    try {
      var kv = KvServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
      GetResponse got = kv.get(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build());
      assertThat(got.getKv().getValue().toStringUtf8()).isEqualTo("v2");
      assertThat(kv.range(RangeRequest.newBuilder().build()).getKvsCount()).isEqualTo(1);
      assertThatThrownBy(() -> kv.get(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
          .setConsistency(Consistency.LEASE).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("is not the leader");
          });
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aSerializableReadIsAnsweredByAMinorityMemberWhereALinearizableOneCannotBe() {
    cluster.addAll(SingleNode.cluster(dir, "serial", 3));
    KuorumServer leader = cluster.stream().filter(s -> s.status().role() == Role.LEADER).findFirst().orElseThrow();
    KuorumServer survivor = cluster.stream().filter(s -> s != leader).findFirst().orElseThrow();
    long revision;
    try (KuorumClient c = KuorumClient.connect(List.of(SingleNode.endpoint(leader)), ClientOptions.defaults())) {
      revision = c.put("k", "v");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> survivor.status().appliedIndex() >= revision);
    cluster.stream().filter(s -> s != survivor).forEach(KuorumServer::close); // the survivor alone: no quorum

    try (KuorumClient c = KuorumClient.connect(List.of(SingleNode.endpoint(survivor)),
        ClientOptions.defaults().withDeadline(Duration.ofSeconds(1)))) {
      assertThat(c.get("k", ReadConsistency.SERIALIZABLE).map(KeyValue::valueUtf8)).contains("v");
      assertThat(c.range("", 0, ReadConsistency.SERIALIZABLE).entries()).hasSize(1);
      assertThatThrownBy(() -> c.get("k")).as("a linearizable read needs a leader with a quorum")
          .isInstanceOf(KuorumException.class);
    }
  }
}
