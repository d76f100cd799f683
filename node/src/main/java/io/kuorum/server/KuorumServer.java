package io.kuorum.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.RequestValidator;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.metrics.NodeMetrics;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.storage.JournaledLogStore;
import io.kuorum.storage.LogStore;
import io.kuorum.storage.StoreIdentity;
import io.kuorum.transport.GrpcPeerTransport;
import io.kuorum.transport.PeerServer;
import io.kuorum.transport.RaftPeerService;
import io.kuorum.transport.TransportLimits;
import io.kuorum.transport.TransportTimings;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.watch.WatchHub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kuorum node process: storage, the Raft runtime, the peer transport and the two gRPC ports.
 * {@link #close()} is the graceful shutdown: stop accepting, let requests in flight finish, make
 * everything durable, close.
 */
public final class KuorumServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KuorumServer.class);

  private final NodeConfig config;
  private final LogStore store;
  private final GrpcPeerTransport transport;
  private final Replica replica;
  private final Server peerServer;
  private final Server clientServer;
  private final WatchHub watches;
  private final NodeMetrics metrics;
  private final CompletableFuture<Throwable> fatal = new CompletableFuture<>();

  private KuorumServer(NodeConfig config) {
    this.config = config;
    this.store = JournaledLogStore.open(config.dataDir(), new StoreIdentity(config.clusterId(), config.id()));
    try {
      MemberId.persist(config.dataDir(), config.id()); // only once the store accepted this id
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    GrpcPeerTransport t = null;
    Replica r = null;
    // Listens to the state machine before the node restores or applies anything, so its history starts
    // where the state does (see WatchHub.restored).
    WatchHub hub = new WatchHub(config.id(), config.watch());
    NodeMetrics nodeMetrics = new NodeMetrics(Arrays.stream(ProposalException.Kind.values()).map(Enum::name).toList());
    Server peers = null;
    Server clients = null;
    try {
      Map<Long, String> peerAddresses = new TreeMap<>();
      config.members().stream().filter(m -> m.id() != config.id()).forEach(m -> peerAddresses.put(m.id(), m.peerAddress()));
      t = new GrpcPeerTransport(config.id(), config.clusterId(), config.advertisePeer(), peerAddresses, TransportLimits.DEFAULT);
      SnapshotDirectory snapshotDirectory = SnapshotDirectory.open(config.dataDir());
      SnapshotTransfers transfers = new SnapshotTransfers(snapshotDirectory);
      KvStateMachine stateMachine = new KvStateMachine(config.limits());
      stateMachine.listen(hub);
      r = new RaftNode(config, store, snapshotDirectory, t, stateMachine, new SecureRandom(), fatal::complete, nodeMetrics);
      nodeMetrics.readStatus(r::status, r::pendingRequests, hub::watchers);
      nodeMetrics.answerProbes(r::status, () -> !fatal.isDone());
      Replica target = r;
      GrpcPeerTransport replies = t; // a member this node has no address for yet can still be answered
      t.useSnapshots(transfers, result -> {
        if (result.outcome() != io.kuorum.transport.SnapshotTransferResult.Outcome.DELIVERED) {
          log.info("node {}: snapshot transfer {}", config.id(), result);
        }
      });
      peers = bind(PeerServer.configure(NettyServerBuilder.forAddress(address(config.peerListen()))
              .callExecutor(new EventLoopCalls(Set.of(RaftServiceGrpc.getStreamMethod().getFullMethodName()))),
          new RaftPeerService(config.id(), config.clusterId(), target::deliver, replies::learn, transfers,
              received -> target.deliver(received.toMessage())), TransportLimits.DEFAULT,
          TransportTimings.DEFAULT), "peer", config.peerListen(), "--listen-peer");
      clients = bind(NettyServerBuilder.forAddress(address(config.clientListen()))
          .callExecutor(new EventLoopCalls(Set.of(KvServiceGrpc.getPutMethod().getFullMethodName(),
              KvServiceGrpc.getGetMethod().getFullMethodName(), KvServiceGrpc.getDeleteMethod().getFullMethodName(),
              KvServiceGrpc.getCompareAndSetMethod().getFullMethodName(), KvServiceGrpc.getRangeMethod().getFullMethodName(),
              KvServiceGrpc.getOpenSessionMethod().getFullMethodName())))
          .addService(nodeMetrics.kvRequests().timed(
              MalformedRequests.guard(new KvServiceImpl(target, new RequestValidator(config.limits()), hub).bindService())))
          .addService(MalformedRequests.guard(new AdminServiceImpl(config, target).bindService()))
          .maxInboundMessageSize(config.limits().maxRequestBytes()), "client", config.clientListen(), "--listen-client");
      serveMetrics(nodeMetrics, config.metricsListen());
    } catch (RuntimeException e) {
      nodeMetrics.close();
      if (clients != null) clients.shutdownNow();
      if (peers != null) peers.shutdownNow();
      if (r != null) r.close();
      if (t != null) t.close();
      hub.close();
      store.close();
      throw e;
    }
    this.clientServer = clients;
    this.metrics = nodeMetrics;
    this.transport = t;
    this.replica = r;
    this.peerServer = peers;
    this.watches = hub;
    log.info("node {} of cluster {} serving clients on {}, peers on {} and metrics on {}, data in {}", config.id(),
        config.clusterId(), clientPort(), peerPort(), metricsPort(), config.dataDir());
  }

  public static KuorumServer start(NodeConfig config) {
    return new KuorumServer(config);
  }

  private static InetSocketAddress address(HostPort hp) {
    return new InetSocketAddress(hp.host(), hp.port());
  }

  private static Server bind(NettyServerBuilder builder, String what, HostPort at, String flag) {
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new StartupException("cannot listen for " + what + " connections on " + at + " (" + rootMessage(e)
          + "): is another process using that port? choose another with " + flag, e);
    }
  }

  private static void serveMetrics(NodeMetrics metrics, HostPort at) {
    try {
      metrics.serve(at.host(), at.port());
    } catch (IOException | RuntimeException e) {
      throw new StartupException("cannot serve metrics over HTTP on " + at + " (" + rootMessage(e)
          + "): is another process using that port? choose another with --listen-metrics", e);
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) t = t.getCause();
    return t.getMessage();
  }

  public int clientPort() {
    return clientServer.getPort();
  }

  public int peerPort() {
    return peerServer.getPort();
  }

  /** The HTTP port serving {@code /metrics}. */
  public int metricsPort() {
    return metrics.port();
  }

  public NodeStatus status() {
    return replica.status();
  }

  /** Watch streams open on this node. */
  public int watchers() {
    return watches.watchers();
  }

  /** Completes when the node hits an error it cannot continue from (storage failure, corrupt log). */
  public CompletableFuture<Throwable> fatalError() {
    return fatal;
  }

  @Override
  public void close() {
    log.info("node {} shutting down: no new requests, waiting for {} in flight", config.id(), replica.pendingRequests());
    clientServer.shutdown();
    watches.close(); // watch streams never finish by themselves: end them, saying where to resume
    replica.stopAccepting();
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (replica.pendingRequests() > 0 && System.nanoTime() < waitUntil) {
      // Requests in flight finish through the Raft thread; poll their count briefly.
      try {
        clientServer.awaitTermination(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    replica.close();
    peerServer.shutdownNow();
    transport.close();
    store.close();
    clientServer.shutdownNow();
    metrics.close(); // last: a scrape during shutdown still sees the node draining
    log.info("node {} shut down", config.id());
  }
}
