package io.kuorum.transport;

import io.kuorum.raft.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over gRPC: one channel and one long-lived client stream per peer (the
 * {@code RaftService.Stream} call), fed from a bounded per-peer queue.
 *
 * <p>{@link #send} only enqueues (lock-free) and returns; when a peer's queue is full, its stream is
 * down, or the transport is closed, the message is dropped and counted. Encoding and writing happen
 * on a small shared pool, respecting each stream's flow control. A failed stream is reopened with
 * jittered exponential backoff. Thread-safe.
 */
public final class GrpcPeerTransport implements PeerTransport {
  private static final Logger log = LoggerFactory.getLogger(GrpcPeerTransport.class);
  private static final int POOL_THREADS = 2;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final long selfId;
  private final String clusterId;
  private final TransportLimits limits;
  private final TransportTimings timings;
  private final ScheduledThreadPoolExecutor pool;
  private final Map<Long, PeerLink> links = new ConcurrentHashMap<>();
  private final LongAdder droppedUnknownPeer = new LongAdder();
  private final LogLimiter logLimiter = new LogLimiter(java.time.Duration.ofSeconds(30));
  private volatile boolean closed;

  /**
   * @param selfId this node's member id; messages must come from it
   * @param clusterId sent with every message; peers of another cluster refuse the stream
   * @param peers member id to "host:port" of its peer service; an entry for {@code selfId} is ignored
   */
  public GrpcPeerTransport(long selfId, String clusterId, Map<Long, String> peers, TransportLimits limits) {
    this(selfId, clusterId, peers, limits, TransportTimings.DEFAULT);
  }

  public GrpcPeerTransport(long selfId, String clusterId, Map<Long, String> peers, TransportLimits limits,
      TransportTimings timings) {
    if (selfId <= 0) throw new IllegalArgumentException("selfId must be positive, got " + selfId);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
    if (limits == null || timings == null) throw new IllegalArgumentException("limits and timings are required");
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.limits = limits;
    this.timings = timings;
    Map<Long, String> initial = validPeers(peers); // before any thread or channel exists
    this.pool = new ScheduledThreadPoolExecutor(POOL_THREADS, daemonThreads("kuorum-peer-" + INSTANCES.incrementAndGet()));
    this.pool.setRemoveOnCancelPolicy(true);
    updatePeers(initial);
  }

  @Override
  public void send(Message message) {
    if (message.from() != selfId) {
      throw new IllegalArgumentException("node " + selfId + " cannot send a message from " + message.from() + ": " + message);
    }
    PeerLink link = links.get(message.to());
    if (link == null) {
      droppedUnknownPeer.increment();
      OptionalLong permit = logLimiter.permit(message.to());
      if (permit.isPresent()) {
        log.warn("dropping message for node {}: no address known{}", message.to(),
            LogLimiter.suppressedNote(permit.getAsLong()));
      }
      return;
    }
    link.send(message);
  }

  /**
   * Replaces the peer set (after a membership change): new members get a link, removed ones lose
   * theirs (queued messages dropped), members whose address changed get a fresh link.
   */
  public synchronized void updatePeers(Map<Long, String> peers) {
    Map<Long, String> wanted = validPeers(peers);
    if (closed) return;
    links.entrySet().removeIf(e -> {
      String address = wanted.get(e.getKey());
      if (address != null && address.equals(e.getValue().address())) return false;
      e.getValue().shutdown();
      return true;
    });
    wanted.forEach((id, address) -> links.computeIfAbsent(id,
        k -> PeerLink.open(id, address, clusterId, limits, timings, pool)));
  }

  /** Counters of one peer, if it is a current peer. */
  public Optional<PeerStats> stats(long peerId) {
    return Optional.ofNullable(links.get(peerId)).map(PeerLink::stats);
  }

  /** Counters of all current peers. */
  public Map<Long, PeerStats> stats() {
    Map<Long, PeerStats> out = new HashMap<>();
    links.forEach((id, link) -> out.put(id, link.stats()));
    return Map.copyOf(out);
  }

  /** Messages dropped because no address is known for their recipient. */
  public long droppedForUnknownPeer() {
    return droppedUnknownPeer.sum();
  }

  /** Reconnects of all current peers' streams. */
  public long reconnects() {
    return links.values().stream().mapToLong(l -> l.stats().reconnects()).sum();
  }

  /** Stops every stream and channel at once, then waits at most {@code closeTimeout} for them. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    links.values().forEach(PeerLink::shutdown);
    pool.shutdownNow(); // pending reconnect timers and drains are moot
    long deadline = System.nanoTime() + timings.closeTimeout().toNanos();
    try {
      for (PeerLink link : links.values()) {
        if (!link.awaitTermination(Math.max(0, deadline - System.nanoTime()))) {
          log.warn("channel to {} did not terminate within {}", link.address(), timings.closeTimeout());
        }
      }
      if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.warn("peer transport threads did not stop within {}", timings.closeTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<Long, String> validPeers(Map<Long, String> peers) {
    if (peers == null) throw new IllegalArgumentException("peers must not be null");
    Map<Long, String> out = new HashMap<>();
    peers.forEach((id, address) -> {
      if (id == null || id <= 0) throw new IllegalArgumentException("peer id must be positive, got " + id);
      if (address == null || address.isBlank()) throw new IllegalArgumentException("peer " + id + " has no address");
      if (id != selfId) out.put(id, address);
    });
    return out;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
