package io.kuorum.server;

import static org.awaitility.Awaitility.await;

import io.kuorum.client.LoopbackPorts;
import io.kuorum.kv.KvLimits;
import io.kuorum.raft.Role;
import java.nio.file.Path;
import java.time.Duration;

/** A real one-node cluster for tests (gRPC on loopback, MapDB files under {@code dataDir}), leading once started. */
public final class SingleNode {

  private SingleNode() {}

  /** Starts node 1 of cluster {@code clusterId} and waits until it leads; the caller closes it. */
  public static KuorumServer start(Path dataDir, String clusterId) {
    int client = LoopbackPorts.free();
    int peer = LoopbackPorts.free();
    KuorumServer server = KuorumServer.start(new NodeConfig(1, clusterId, Member.parseList("1=127.0.0.1:" + peer + "/" + client),
        dataDir, new HostPort("127.0.0.1", client), new HostPort("127.0.0.1", peer), 10, 10, 2, 100, KvLimits.DEFAULT, "", "",
        SnapshotPolicy.DEFAULT));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.status().role() == Role.LEADER);
    return server;
  }

  /** The client endpoint of a server started by {@link #start}. */
  public static String endpoint(KuorumServer server) {
    return "127.0.0.1:" + server.clientPort();
  }
}
