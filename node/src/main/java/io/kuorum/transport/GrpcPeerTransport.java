package io.kuorum.transport;

import io.kuorum.raft.Message;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
 *
 * <p>Every message carries this node's advertised peer address, so that a peer which has none for
 * it can still answer (see {@link PeerAddressListener}). Links come from two sources:
 * <ul>
 *   <li><b>configured</b>, by {@link #updatePeers}: the membership the runtime knows of. They always
 *       win: a configured address replaces a learned one and is never replaced by one.
 *   <li><b>learned</b>, by {@link #learn}: a member that reached this node before this node knew of
 *       it (a leader that joined while this node was behind, or the leader of the cluster a fresh
 *       node waits to join). A learned link outlives {@link #updatePeers} calls that do not name its
 *       member: the configuration this node knows may be older than the one that member belongs to,
 *       and the member's stream will not announce its address again, so dropping the link would
 *       leave this node unable to answer and catch up. It becomes configured when a peer map names
 *       its member, and goes away with it from there on. At most {@value #MAX_LEARNED_LINKS} exist.
 * </ul>
 *
 * <p>An {@link Message.InstallSnapshot} does not go through the message stream: its snapshot's
 * {@code data} is the runtime's reference to a file, possibly hundreds of megabytes, which a
 * {@link SnapshotSender} streams in chunks on a connection of its own. The runtime connects the two
 * with {@link #useSnapshots}: a {@link SnapshotSources} that maps the core's snapshot to its file,
 * and a {@link SnapshotTransferListener} that hears how each transfer ended.
 */
public final class GrpcPeerTransport implements PeerTransport {
  private static final Logger log = LoggerFactory.getLogger(GrpcPeerTransport.class);
  private static final int POOL_THREADS = 2;
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** A cluster has at most 7 voters and a few learners: more strangers than this is a fault, not a cluster. */
  static final int MAX_LEARNED_LINKS = 32;

  private final long selfId;
  private final String clusterId;
  private final String selfAddress; // "" when unknown; one instance for every message (see MessageCodec.encode)
  private final TransportLimits limits;
  private final TransportTimings timings;
  private final ScheduledThreadPoolExecutor pool;
  private final Map<Long, PeerLink> links = new ConcurrentHashMap<>();
  // Guarded by `this`: the members whose link came from learn(), not from updatePeers().
  private final Set<Long> learned = new HashSet<>();
  private final LongAdder droppedUnknownPeer = new LongAdder();
  private final LogLimiter logLimiter = new LogLimiter(java.time.Duration.ofSeconds(30));
  private final SnapshotSender snapshots;
  private volatile SnapshotHooks snapshotHooks = SnapshotHooks.NONE;
  private volatile boolean closed;

  /**
   * @param selfId this node's member id; messages must come from it
   * @param clusterId sent with every message; peers of another cluster refuse the stream
   * @param selfAddress this node's advertised peer address, "host:port" (what peers dial, not
   *     necessarily what it binds), sent with every message
   * @param peers member id to "host:port" of its peer service; an entry for {@code selfId} is ignored
   */
  public GrpcPeerTransport(long selfId, String clusterId, String selfAddress, Map<Long, String> peers,
      TransportLimits limits) {
    this(selfId, clusterId, selfAddress, peers, limits, TransportTimings.DEFAULT);
  }

  public GrpcPeerTransport(long selfId, String clusterId, String selfAddress, Map<Long, String> peers,
      TransportLimits limits, TransportTimings timings) {
    this(selfId, clusterId, Optional.of(checkedSelfAddress(selfAddress)), peers, limits, timings);
  }

  /**
   * A transport that does not advertise its address: peers that do not know it cannot answer it.
   *
   * @deprecated pass this node's advertised peer address; kept only until callers do
   */
  @Deprecated(forRemoval = true)
  public GrpcPeerTransport(long selfId, String clusterId, Map<Long, String> peers, TransportLimits limits) {
    this(selfId, clusterId, Optional.empty(), peers, limits, TransportTimings.DEFAULT);
  }

  private GrpcPeerTransport(long selfId, String clusterId, Optional<String> selfAddress, Map<Long, String> peers,
      TransportLimits limits, TransportTimings timings) {
    if (selfId <= 0) throw new IllegalArgumentException("selfId must be positive, got " + selfId);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
    if (limits == null || timings == null) throw new IllegalArgumentException("limits and timings are required");
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.selfAddress = selfAddress.orElse("");
    this.limits = limits;
    this.timings = timings;
    Map<Long, String> initial = validPeers(peers); // before any thread or channel exists
    this.snapshots = new SnapshotSender(selfId, clusterId, this::peerAddress, limits, timings,
        result -> snapshotHooks.listener().finished(result));
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
    if (message instanceof Message.InstallSnapshot install) {
      snapshots.send(install, snapshotHooks.sources());
    } else {
      link.send(message);
    }
  }

  /**
   * Connects the runtime's snapshot hooks; until then every InstallSnapshot fails (reported to no
   * one) with a message saying they are missing. May be called again to replace them.
   *
   * @param sources opens the file behind a snapshot of the core, on the snapshot threads
   * @param listener hears how each transfer ended, on the snapshot threads; must not block
   */
  public void useSnapshots(SnapshotSources sources, SnapshotTransferListener listener) {
    if (sources == null || listener == null) throw new IllegalArgumentException("snapshot sources and listener are required");
    snapshotHooks = new SnapshotHooks(sources, listener);
  }

  /** The snapshot transfer running to a peer, if any. */
  public Optional<SnapshotProgress> snapshotProgress(long peerId) {
    return snapshots.progress(peerId);
  }

  /** Counters of outbound snapshot transfers. */
  public SnapshotSenderStats snapshotStats() {
    return snapshots.stats();
  }

  /**
   * Replaces the configured peer set (after a membership change): new members get a link, removed
   * ones lose theirs (queued messages dropped), members whose address changed get a fresh link.
   * Learned links of members the map does not name are kept (see the class comment); a learned link
   * of a member it names becomes configured, replaced by a fresh link if the addresses differ.
   */
  @Override
  public synchronized void updatePeers(Map<Long, String> peers) {
    Map<Long, String> wanted = validPeers(peers);
    if (closed) return;
    links.entrySet().removeIf(e -> {
      long id = e.getKey();
      String address = wanted.get(id);
      if (address == null && learned.contains(id)) return false;
      learned.remove(id);
      if (address != null && address.equals(e.getValue().address())) return false;
      e.getValue().shutdown();
      snapshots.cancel(id, address == null ? "node " + id + " is no longer a peer" : "node " + id + " moved to " + address);
      return true;
    });
    wanted.forEach((id, address) -> links.computeIfAbsent(id, k -> open(id, address)));
  }

  /**
   * Adds a link to a member this node has no address for, typically one it just heard from (wire it
   * to {@link RaftPeerService}'s {@link PeerAddressListener}). Configured addresses win: a member
   * with a configured link is left alone. A learned link with another address is replaced, since
   * the member itself says it moved. The runtime decides whom to learn: the transport does not know
   * the configuration.
   *
   * @param address the member's advertised peer address, "host:port"
   * @return whether a link was added or replaced; false for this node itself, a configured member,
   *     an unchanged address, a closed transport, or when {@value #MAX_LEARNED_LINKS} links are
   *     learned already
   */
  public synchronized boolean learn(long memberId, String address) {
    if (memberId <= 0) throw new IllegalArgumentException("member id must be positive, got " + memberId);
    if (address == null) throw new IllegalArgumentException("address of member " + memberId + " is missing");
    Optional<String> problem = PeerAddress.problem(address);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("address " + PeerAddress.quote(address) + " of member " + memberId + " "
          + problem.get());
    }
    if (closed || memberId == selfId) return false;
    PeerLink existing = links.get(memberId);
    if (existing != null) {
      if (!learned.contains(memberId) || existing.address().equals(address)) return false;
      log.info("node {} now advertises peer address {} (was {})", memberId, address, existing.address());
      existing.shutdown();
      snapshots.cancel(memberId, "node " + memberId + " moved to " + address);
      links.put(memberId, open(memberId, address));
      return true;
    }
    if (learned.size() >= MAX_LEARNED_LINKS) {
      OptionalLong permit = logLimiter.permit("learned-full");
      if (permit.isPresent()) {
        log.warn("not learning the address {} of node {}: {} peer addresses are learned already{}", address, memberId,
            MAX_LEARNED_LINKS, LogLimiter.suppressedNote(permit.getAsLong()));
      }
      return false;
    }
    log.info("learned the peer address of node {}: {}", memberId, address);
    links.put(memberId, open(memberId, address));
    learned.add(memberId);
    return true;
  }

  /** The address this node sends a member's messages to, if it has a link to it. */
  public Optional<String> peerAddress(long memberId) {
    return Optional.ofNullable(links.get(memberId)).map(PeerLink::address);
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
    snapshots.close(); // first: its transfers report CANCELLED while the runtime still listens
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

  private PeerLink open(long id, String address) {
    return PeerLink.open(id, address, clusterId, selfAddress, limits, timings, pool);
  }

  private static String checkedSelfAddress(String selfAddress) {
    if (selfAddress == null) throw new IllegalArgumentException("selfAddress is required");
    Optional<String> problem = PeerAddress.problem(selfAddress);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("selfAddress " + PeerAddress.quote(selfAddress) + " " + problem.get()
          + " (it must be the address peers reach this node at)");
    }
    return selfAddress;
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

  private record SnapshotHooks(SnapshotSources sources, SnapshotTransferListener listener) {
    static final SnapshotHooks NONE = new SnapshotHooks(SnapshotSources.NONE, SnapshotTransferListener.NONE);
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
