package io.kuorum.server;

import static org.awaitility.Awaitility.await;

import io.kuorum.client.LoopbackPorts;
import io.kuorum.kv.KvLimits;
import io.kuorum.raft.Role;
import io.kuorum.watch.WatchLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real nodes for tests (gRPC on loopback, MapDB files): one leading node, or a small cluster. */
public final class SingleNode {

  private SingleNode() {}

  /** Starts node 1 of cluster {@code clusterId} and waits until it leads; the caller closes it. */
  public static KuorumServer start(Path dataDir, String clusterId) {
    return start(dataDir, clusterId, WatchLimits.DEFAULT);
  }

  /** {@link #start(Path, String)} with these watch limits. */
  public static KuorumServer start(Path dataDir, String clusterId, WatchLimits watch) {
    int client = LoopbackPorts.free();
    int peer = LoopbackPorts.free();
    KuorumServer server = KuorumServer.start(new NodeConfig(1, clusterId, Member.parseList("1=127.0.0.1:" + peer + "/" + client),
        dataDir, new HostPort("127.0.0.1", client), new HostPort("127.0.0.1", peer), 10, 10, 2, 100, KvLimits.DEFAULT, "", "",
        SnapshotPolicy.DEFAULT, watch));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.status().role() == Role.LEADER);
    return server;
  }

  /** Starts nodes 1..size of cluster {@code clusterId}, data in {@code dir/node-ID}; the caller closes them. */
  public static List<KuorumServer> cluster(Path dir, String clusterId, int size) {
    List<Integer> ports = new ArrayList<>();
    StringBuilder members = new StringBuilder();
    for (int id = 1; id <= size; id++) {
      int client = LoopbackPorts.free();
      int peer = LoopbackPorts.free();
      ports.add(client);
      ports.add(peer);
      members.append(members.length() == 0 ? "" : ",").append(id).append("=127.0.0.1:").append(peer).append('/').append(client);
    }
    List<KuorumServer> servers = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      int client = ports.get(2 * (id - 1));
      int peer = ports.get(2 * (id - 1) + 1);
      servers.add(KuorumServer.start(new NodeConfig(id, clusterId, Member.parseList(members.toString()), dir.resolve("node-" + id),
          new HostPort("127.0.0.1", client), new HostPort("127.0.0.1", peer), 10, 10, 2, 100, KvLimits.DEFAULT, "", "",
          SnapshotPolicy.DEFAULT)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> servers.stream().anyMatch(s -> s.status().role() == Role.LEADER));
    return servers;
  }

  /** The client endpoint of a server started by {@link #start}. */
  public static String endpoint(KuorumServer server) {
    return "127.0.0.1:" + server.clientPort();
  }
}
