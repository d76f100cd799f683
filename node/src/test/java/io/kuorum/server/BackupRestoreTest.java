package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.SaveSnapshotRequest;
import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.client.SavedSnapshot;
import io.kuorum.kv.KvLimits;
import io.kuorum.raft.Role;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.snapshot.SnapshotFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore end to end with real nodes (gRPC on loopback, MapDB files): a backup of a running
 * 3-node cluster holds every write acknowledged before it and none after; restored into three fresh
 * directories under new ids, ports and cluster id, it starts a new cluster that serves those keys and
 * takes new writes.
 */
class BackupRestoreTest {

  @TempDir Path dir;
  private final List<KuorumServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** Starts one node per member of {@code members}, each with its data in {@code dir/prefix-ID}. */
  private List<KuorumServer> cluster(String clusterId, List<Member> members, String prefix) {
    List<KuorumServer> started = new ArrayList<>();
    for (Member m : members) {
      HostPort peer = HostPort.parse(m.peerAddress(), "peer");
      HostPort client = HostPort.parse(m.clientAddress(), "client");
      KuorumServer s = KuorumServer.start(new NodeConfig(m.id(), clusterId, members, dir.resolve(prefix + "-" + m.id()),
          client, peer, 10, 10, 2, 1000, KvLimits.DEFAULT, "", "", SnapshotPolicy.DEFAULT));
      servers.add(s);
      started.add(s);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> leader(started).isPresent());
    return started;
  }

  private static Optional<KuorumServer> leader(List<KuorumServer> nodes) {
    return nodes.stream().filter(s -> s.status().role() == Role.LEADER).findFirst();
  }

  private static List<Member> members(long... ids) {
    List<Member> out = new ArrayList<>();
    for (long id : ids) out.add(new Member(id, "127.0.0.1:" + LoopbackPorts.free(), "127.0.0.1:" + LoopbackPorts.free()));
    return out;
  }

  private static List<String> endpoints(List<KuorumServer> nodes) {
    return nodes.stream().map(s -> "127.0.0.1:" + s.clientPort()).toList();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(KuorumServer::close);
  }

  @Test
  void aBackupRestoresIntoANewClusterWithExactlyTheWritesAcknowledgedBeforeIt() throws IOException {
    List<KuorumServer> old = cluster("old", members(1, 2, 3), "old");
    KuorumServer oldLeader = leader(old).orElseThrow();
    // A follower first: the backup must find its way to the leader.
    List<KuorumServer> followerFirst = new ArrayList<>(old);
    followerFirst.sort((a, b) -> Boolean.compare(a == oldLeader, b == oldLeader));
    Path backup = dir.resolve("backup.snap");
    SavedSnapshot saved;
    try (KuorumClient c = KuorumClient.connect(endpoints(followerFirst), ClientOptions.defaults())) {
      for (int i = 0; i < 300; i++) c.put("before-" + i, "v" + i);
      c.delete("before-7");
      saved = c.saveSnapshot(backup);
      // Acknowledged after the backup was taken: none of this may be in it.
      for (int i = 0; i < 50; i++) c.put("after-" + i, "x");
      c.put("before-0", "changed after the backup");
    }
    assertThat(saved.leaderId()).isEqualTo(oldLeader.status().id());
    assertThat(saved.clusterId()).isEqualTo("old");
    assertThat(saved.keys()).isEqualTo(299);
    assertThat(Files.size(backup)).isEqualTo(saved.bytes());
    assertThat(Files.exists(dir.resolve("backup.snap.part"))).as("the temporary file is gone").isFalse();
    SnapshotFile verified = SnapshotFile.verify(backup);
    assertThat(verified.meta().index()).isEqualTo(saved.index());
    assertThat(verified.meta().term()).isEqualTo(saved.term());
    assertThat(verified.meta().configuration().configuration().voters()).containsExactly(1L, 2L, 3L);

    List<Member> fresh = members(11, 12, 13);
    for (Member m : fresh) {
      SnapshotRestore.Result r = SnapshotRestore.restore(backup, dir.resolve("new-" + m.id()), m.id(), fresh, "restored");
      assertThat(r.keys()).isEqualTo(299);
      assertThat(r.original().index()).isEqualTo(saved.index());
    }
    old.forEach(KuorumServer::close); // the old cluster is gone, as after a disaster
    servers.removeAll(old);

    List<KuorumServer> restored = cluster("restored", fresh, "new");
    NodeStatus status = leader(restored).orElseThrow().status();
    assertThat(status.configuration().voters()).containsExactly(11L, 12L, 13L);
    assertThat(status.term()).as("elections continue after the snapshot's term").isGreaterThan(saved.term());
    assertThat(status.directory().members()).containsExactlyInAnyOrderElementsOf(fresh);
    try (KuorumClient c = KuorumClient.connect(endpoints(restored), ClientOptions.defaults())) {
      for (int i = 0; i < 300; i++) {
        Optional<String> expected = i == 7 ? Optional.empty() : Optional.of("v" + i);
        assertThat(c.get("before-" + i).map(KeyValue::valueUtf8)).as("before-" + i).isEqualTo(expected);
      }
      assertThat(c.range("after-", 0).entries()).as("writes after the backup").isEmpty();
      long revision = c.put("new", "cluster");
      assertThat(revision).isGreaterThan(saved.index());
      assertThat(c.get("new").map(KeyValue::valueUtf8)).hasValue("cluster");
    }
    for (KuorumServer s : restored) {
      assertThat(SnapshotDirectory.open(dir.resolve("new-" + s.status().id())).list().stream().map(n -> n.index())
          .collect(Collectors.toSet())).contains(saved.index());
    }
  }

  @Test
  void aFollowerNamesTheLeaderAndBackupsCanBeRepeatedOrReplaced() {
    List<KuorumServer> nodes = cluster("t", members(1, 2, 3), "n");
    KuorumServer leader = leader(nodes).orElseThrow();
    KuorumServer follower = nodes.stream().filter(s -> s != leader).findFirst().orElseThrow();
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", follower.clientPort()).usePlaintext().build();
    channels.add(ch);
    var stub = AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> stub.saveSnapshot(SaveSnapshotRequest.getDefaultInstance()).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("not the leader");
          assertThat(e.getTrailers().get(GrpcErrors.LEADER_ID)).isEqualTo(Long.toString(leader.status().id()));
          assertThat(e.getTrailers().get(GrpcErrors.LEADER_ADDRESS)).isEqualTo("127.0.0.1:" + leader.clientPort());
        });

    try (KuorumClient c = KuorumClient.connect(endpoints(nodes), ClientOptions.defaults())) {
      c.put("k", "v");
      SavedSnapshot first = c.saveSnapshot(dir.resolve("one.snap"));
      SavedSnapshot second = c.saveSnapshot(dir.resolve("two.snap"));
      // Each backup commits its own barrier, so the second is newer; both hold the key.
      assertThat(second.index()).isGreaterThan(first.index());
      assertThat(first.keys()).isEqualTo(1);
      assertThat(second.keys()).isEqualTo(1);
      assertThatThrownBy(() -> c.saveSnapshot(dir.resolve("one.snap")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one.snap already exists");
      SavedSnapshot replaced = c.saveSnapshot(dir.resolve("one.snap"), true, Duration.ofSeconds(30));
      assertThat(replaced.index()).isGreaterThan(second.index());
      assertThat(SnapshotFile.verify(dir.resolve("one.snap")).meta().index()).isEqualTo(replaced.index());
    }
    // Retention runs on the snapshot thread just after a backup's file is handed over (held first, so
    // it cannot be deleted under the transfer): the client may finish before that pass.
    Path data = dir.resolve("n-" + leader.status().id());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(SnapshotDirectory.open(data).list().stream()
        .map(n -> n.index()).collect(Collectors.toSet())).as("retention still keeps two snapshots").hasSize(2));
  }

  @Test
  void aSnapshotLargerThanOneChunkArrivesByteForByte() throws IOException {
    List<KuorumServer> nodes = cluster("t", members(1), "big");
    Path backup = dir.resolve("big.snap");
    SavedSnapshot saved;
    try (KuorumClient c = KuorumClient.connect(endpoints(nodes), ClientOptions.defaults())) {
      String value = "x".repeat(512 * 1024);
      for (int i = 0; i < 6; i++) c.put("big-" + i, value + i);
      saved = c.saveSnapshot(backup);
    }
    assertThat(saved.bytes()).as("several 1 MiB chunks").isGreaterThan(3L * SnapshotStream.CHUNK_BYTES);
    Path onLeader = dir.resolve("big-1").resolve(SnapshotDirectory.NAME)
        .resolve(new io.kuorum.snapshot.SnapshotName(saved.index(), saved.term()).fileName());
    assertThat(Files.mismatch(backup, onLeader)).as("the leader's snapshot file, unchanged").isEqualTo(-1L);
    assertThat(SnapshotFile.verify(backup).meta().configuration().configuration().voters()).containsExactly(1L);
  }
}
