package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.kv.KvLimits;
import io.kuorum.raft.Role;
import io.kuorum.snapshot.SnapshotDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real node snapshots and compacts as it goes, and restarts from its snapshot plus the log after it. */
class SnapshotRestartTest {

  @TempDir Path dir;

  private KuorumServer start(int client, int peer) {
    KuorumServer s = KuorumServer.start(new NodeConfig(1, "t", Member.parseList("1=127.0.0.1:" + peer + "/" + client),
        dir.resolve("data"), new HostPort("127.0.0.1", client), new HostPort("127.0.0.1", peer), 10, 10, 2, 100,
        KvLimits.DEFAULT, "", "", new SnapshotPolicy(100, 0, 2)));
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().role() == Role.LEADER);
    return s;
  }

  @Test
  void restartsFromTheSnapshotAndTheLogAfterIt() {
    int client = LoopbackPorts.free();
    int peer = LoopbackPorts.free();
    KuorumServer server = start(client, peer);
    try (KuorumClient c = KuorumClient.connect(List.of("127.0.0.1:" + client), ClientOptions.defaults())) {
      for (int i = 0; i < 550; i++) c.put("k" + i, "v" + i);
    }
    SnapshotDirectory snapshots = SnapshotDirectory.open(dir.resolve("data"));
    await().atMost(Duration.ofSeconds(10)).until(() -> snapshots.list().size() == 2);
    server.close();

    KuorumServer again = start(client, peer);
    try (KuorumClient c = KuorumClient.connect(List.of("127.0.0.1:" + client), ClientOptions.defaults())) {
      for (int i = 0; i < 550; i++) {
        assertThat(c.get("k" + i).map(KeyValue::valueUtf8)).as("k" + i).isEqualTo(Optional.of("v" + i));
      }
      c.put("after", "restart");
      assertThat(c.get("after").map(KeyValue::valueUtf8)).hasValue("restart");
    } finally {
      again.close();
    }
    assertThat(snapshots.list()).as("two kept, older ones removed").hasSize(2);
  }
}
