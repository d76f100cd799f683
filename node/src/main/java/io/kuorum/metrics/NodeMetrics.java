package io.kuorum.metrics;

import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * One node's Prometheus metrics: its own registry (several nodes may share a JVM), the metrics the
 * node updates where things happen ({@link #raft()}, {@link #storage()}, {@link #snapshots()},
 * {@link #kvRequests()}), gauges read at scrape time ({@link #readStatus}), the JVM's metrics, and the
 * HTTP server that serves them at {@code /metrics}. The catalogue is {@code docs/metrics.md}.
 */
public final class NodeMetrics implements AutoCloseable {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final RaftMetrics raft;
  private final StorageMetrics storage;
  private final SnapshotMetrics snapshots;
  private final KvRequestMetrics kvRequests;
  private HTTPServer server;
  private HttpHandler probes = new ProbeHandler(() -> {
    throw new IllegalStateException("probes asked before the node published its state");
  }, () -> false);

  /** {@code failureReasons}: the proposal failure reasons exported (as 0) before any happens. */
  public NodeMetrics(Iterable<String> failureReasons) {
    registry.register(ProcessMetrics.collector());
    raft = new RaftMetrics(registry, failureReasons);
    storage = new StorageMetrics(registry);
    snapshots = new SnapshotMetrics(registry);
    kvRequests = new KvRequestMetrics(registry);
  }

  public RaftMetrics raft() {
    return raft;
  }

  public StorageMetrics storage() {
    return storage;
  }

  public SnapshotMetrics snapshots() {
    return snapshots;
  }

  public KvRequestMetrics kvRequests() {
    return kvRequests;
  }

  /** Adds the gauges read at scrape time from the node's published state. Call once. */
  public void readStatus(Supplier<? extends NodeState> status, IntSupplier pendingProposals, IntSupplier watchers) {
    StatusGauges.register(registry, status, pendingProposals, watchers);
  }

  /** Answers {@code /healthz} and {@code /readyz} from the node's published state (see {@link ProbeHandler}). Call before {@link #serve}. */
  public synchronized void answerProbes(Supplier<? extends NodeState> status, BooleanSupplier alive) {
    probes = new ProbeHandler(status, alive);
  }

  /**
   * Starts serving {@code /metrics}, {@code /healthz} and {@code /readyz} on {@code host:port} (port 0:
   * any free port, see {@link #port()}).
   */
  public synchronized void serve(String host, int port) throws IOException {
    if (server != null) throw new IllegalStateException("already serving on port " + server.getPort());
    server = HTTPServer.builder().hostname(host).port(port).registry(registry).defaultHandler(probes).buildAndStart();
  }

  /** The port {@code /metrics} is served on; -1 before {@link #serve}. */
  public synchronized int port() {
    return server == null ? -1 : server.getPort();
  }

  /** Stops the HTTP server; the metrics themselves need no closing. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
