package io.kuorum.server;

import io.kuorum.kv.KvLimits;
import io.kuorum.storage.StorageException;
import io.kuorum.watch.WatchLimits;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kuorum server}: runs one node until SIGTERM (graceful) or a fatal error. Every flag has a KUORUM_* variable. */
@Command(name = "kuorum server", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs one Kuorum node. Every option can also be set by the environment variable shown.")
public final class ServerMain implements Callable<Integer> {

  @Option(names = "--id", defaultValue = "${env:KUORUM_ID:-0}",
      description = "This node's member id, a positive number never reused (KUORUM_ID). Needed only to bootstrap a"
          + " cluster from --members; otherwise the id stored with the data is used, or a new one generated.")
  long id;

  @Option(names = "--cluster-id", defaultValue = "${env:KUORUM_CLUSTER_ID:-kuorum}",
      description = "Name of the cluster; stored with the data (KUORUM_CLUSTER_ID, default ${DEFAULT-VALUE}).")
  String clusterId;

  @Option(names = "--members", defaultValue = "${env:KUORUM_MEMBERS:-}",
      description = "Initial voters: ID=HOST:PEER_PORT[/CLIENT_PORT],... e.g. 1=10.0.0.1:7380,2=10.0.0.2:7380"
          + " (KUORUM_MEMBERS). A node not among them starts without a configuration and waits to be added.")
  String members;

  @Option(names = "--data", defaultValue = "${env:KUORUM_DATA:-data}",
      description = "Data directory of this member (KUORUM_DATA, default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--listen-client", defaultValue = "${env:KUORUM_LISTEN_CLIENT:-0.0.0.0:7379}",
      description = "Client gRPC address (KUORUM_LISTEN_CLIENT, default ${DEFAULT-VALUE}).")
  String listenClient;

  @Option(names = "--listen-peer", defaultValue = "${env:KUORUM_LISTEN_PEER:-0.0.0.0:7380}",
      description = "Peer gRPC address (KUORUM_LISTEN_PEER, default ${DEFAULT-VALUE}).")
  String listenPeer;

  @Option(names = "--listen-metrics", defaultValue = "${env:KUORUM_LISTEN_METRICS:-0.0.0.0:9380}",
      description = "HTTP address serving Prometheus metrics at /metrics (KUORUM_LISTEN_METRICS, default ${DEFAULT-VALUE}).")
  String listenMetrics;

  @Option(names = "--advertise-peer", defaultValue = "${env:KUORUM_ADVERTISE_PEER:-}",
      description = "HOST:PORT other members reach the peer port at (KUORUM_ADVERTISE_PEER; default: this node's"
          + " --members entry, else --listen-peer).")
  String advertisePeer;

  @Option(names = "--advertise-client", defaultValue = "${env:KUORUM_ADVERTISE_CLIENT:-}",
      description = "HOST:PORT clients reach the client port at (KUORUM_ADVERTISE_CLIENT; default: this node's"
          + " --members entry, else --listen-client).")
  String advertiseClient;

  @Option(names = "--tick-ms", defaultValue = "${env:KUORUM_TICK_MS:-50}",
      description = "Length of a Raft tick in ms (KUORUM_TICK_MS, default ${DEFAULT-VALUE}).")
  int tickMs;

  @Option(names = "--election-ticks", defaultValue = "${env:KUORUM_ELECTION_TICKS:-10}",
      description = "Election timeout in ticks, randomized up to twice that (KUORUM_ELECTION_TICKS, default ${DEFAULT-VALUE}).")
  int electionTicks;

  @Option(names = "--heartbeat-ticks", defaultValue = "${env:KUORUM_HEARTBEAT_TICKS:-2}",
      description = "Leader heartbeat interval in ticks (KUORUM_HEARTBEAT_TICKS, default ${DEFAULT-VALUE}).")
  int heartbeatTicks;

  @Option(names = "--snapshot-entries", defaultValue = "${env:KUORUM_SNAPSHOT_ENTRIES:-10000}",
      description = "Snapshot and compact the log after this many applied entries; 0: never (KUORUM_SNAPSHOT_ENTRIES,"
          + " default ${DEFAULT-VALUE}).")
  long snapshotEntries;

  @Option(names = "--snapshot-bytes", defaultValue = "${env:KUORUM_SNAPSHOT_BYTES:-67108864}",
      description = "Snapshot and compact the log after this many bytes of applied entries; 0: no byte trigger"
          + " (KUORUM_SNAPSHOT_BYTES, default ${DEFAULT-VALUE}).")
  long snapshotBytes;

  @Option(names = "--max-pending", defaultValue = "${env:KUORUM_MAX_PENDING:-10000}",
      description = "Requests waiting for commit before new ones are refused (KUORUM_MAX_PENDING, default ${DEFAULT-VALUE}).")
  int maxPending;

  @Option(names = "--watch-history-events", defaultValue = "${env:KUORUM_WATCH_HISTORY_EVENTS:-10000}",
      description = "Recent changes kept so that watches can start from a past revision or resume after a broken"
          + " stream (KUORUM_WATCH_HISTORY_EVENTS, default ${DEFAULT-VALUE}).")
  int watchHistoryEvents;

  @Option(names = "--watch-history-bytes", defaultValue = "${env:KUORUM_WATCH_HISTORY_BYTES:-16777216}",
      description = "... and at most this many bytes of them, keys and values (KUORUM_WATCH_HISTORY_BYTES, default"
          + " ${DEFAULT-VALUE}).")
  long watchHistoryBytes;

  @Option(names = "--watch-backlog-events", defaultValue = "${env:KUORUM_WATCH_BACKLOG_EVENTS:-1000}",
      description = "Changes one watcher may have waiting to be sent before it is ended as fallen behind"
          + " (KUORUM_WATCH_BACKLOG_EVENTS, default ${DEFAULT-VALUE}).")
  int watchBacklogEvents;

  @Option(names = "--watch-backlog-bytes", defaultValue = "${env:KUORUM_WATCH_BACKLOG_BYTES:-4194304}",
      description = "... and at most this many bytes of them (KUORUM_WATCH_BACKLOG_BYTES, default ${DEFAULT-VALUE}).")
  long watchBacklogBytes;

  @Option(names = "--watch-max-watchers", defaultValue = "${env:KUORUM_WATCH_MAX_WATCHERS:-10000}",
      description = "Watch streams this node serves at once; more are refused with RESOURCE_EXHAUSTED, which bounds the"
          + " memory of all backlogs together (KUORUM_WATCH_MAX_WATCHERS, default ${DEFAULT-VALUE}).")
  int watchMaxWatchers;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServerMain()).execute(args));
  }

  @Override
  public Integer call() {
    NodeConfig config;
    try {
      if (id < 0) throw new IllegalArgumentException("--id (or KUORUM_ID) must be a positive member id, got " + id);
      id = MemberId.resolve(data, id == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(id));
      config = new NodeConfig(id, clusterId, Member.parseList(members), data, HostPort.parse(listenClient, "--listen-client"),
          HostPort.parse(listenPeer, "--listen-peer"), tickMs, electionTicks, heartbeatTicks, maxPending, KvLimits.DEFAULT,
          advertisePeer, advertiseClient, new SnapshotPolicy(snapshotEntries, snapshotBytes, 2),
          WatchLimits.DEFAULT.withHistory(watchHistoryEvents, watchHistoryBytes).withBacklog(watchBacklogEvents, watchBacklogBytes)
              .withMaxWatchers(watchMaxWatchers),
          HostPort.parse(listenMetrics, "--listen-metrics"));
    } catch (IllegalArgumentException e) {
      System.err.println("kuorum: invalid configuration: " + e.getMessage());
      return 2;
    } catch (StartupException e) {
      System.err.println("kuorum: cannot start: " + e.getMessage());
      return 1;
    }
    KuorumServer server;
    try {
      server = KuorumServer.start(config);
    } catch (StorageException | StartupException e) {
      System.err.println("kuorum: cannot start node " + id + ": " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kuorum-shutdown"));
    Throwable fatal = server.fatalError().join();
    System.err.println("kuorum: node " + id + " stopped on a fatal error: " + fatal);
    return 1;
  }
}
