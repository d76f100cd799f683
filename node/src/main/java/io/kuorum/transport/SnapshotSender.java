package io.kuorum.transport;

import io.kuorum.raft.Message;
import io.kuorum.raft.Snapshot;
import io.kuorum.transport.SnapshotTransferResult.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams snapshots to followers beside the message stream (see {@link OutboundSnapshot} for one
 * transfer), one transfer per follower at a time.
 *
 * <p>A request for a follower that already has a transfer running is ignored unless it is newer:
 * the core repeats an InstallSnapshot each time it finds the follower stalled, and restarting a
 * multi-megabyte stream for every repeat would keep it from ever finishing. A newer snapshot (or
 * the same one in a later term) replaces the running transfer, which is cancelled; the receiver
 * keeps what it has of the same snapshot, so that costs little.
 *
 * <p>{@link #send} never blocks and never reads the source: opening and reading happen on this
 * sender's own threads, so neither the core's thread nor the message stream's pool waits on disk.
 * Thread-safe.
 */
public final class SnapshotSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotSender.class);
  private static final int THREADS = 2;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** What became of a request. */
  public enum Decision {
    /** A transfer started. */
    STARTED,
    /** A transfer started and the older one running for that follower was cancelled. */
    REPLACED,
    /** The same or a newer snapshot is on its way to that follower already: nothing changed. */
    IGNORED,
    /** The sender is closed: nothing was sent. */
    CLOSED
  }

  private final long selfId;
  private final String clusterId;
  private final LongFunction<Optional<String>> addressOf;
  private final TransportLimits limits;
  private final TransportTimings timings;
  private final SnapshotTransferListener listener;
  private final ScheduledThreadPoolExecutor pool;
  private final Map<Long, OutboundSnapshot> active = new HashMap<>(); // guarded by this
  private boolean closed; // guarded by this
  private final LongAdder started = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder ignored = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();

  /**
   * @param addressOf a follower's peer address ("host:port"), looked up when its transfer starts
   * @param listener hears how every transfer that started ended
   */
  public SnapshotSender(long selfId, String clusterId, LongFunction<Optional<String>> addressOf, TransportLimits limits,
      TransportTimings timings, SnapshotTransferListener listener) {
    if (selfId <= 0) throw new IllegalArgumentException("selfId must be positive, got " + selfId);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
    if (addressOf == null || limits == null || timings == null || listener == null) {
      throw new IllegalArgumentException("addressOf, limits, timings and listener are required");
    }
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.addressOf = addressOf;
    this.limits = limits;
    this.timings = timings;
    this.listener = listener;
    this.pool = new ScheduledThreadPoolExecutor(THREADS, daemonThreads("kuorum-snapshot-" + INSTANCES.incrementAndGet()));
    this.pool.setRemoveOnCancelPolicy(true);
    // Retry and deadline timers are moot once closing: every transfer was cancelled before.
    this.pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Streams {@code transfer} to node {@code to}, unless it is ignored (see the class comment). The
   * source is closed when the transfer ends, or at once when it is ignored.
   */
  public Decision send(long to, SnapshotTransfer transfer) {
    return offer(to, transfer.term(), transfer.snapshot(), Optional.of(transfer.source()), SnapshotSources.NONE);
  }

  /** Streams the snapshot of {@code message}, whose bytes {@code sources} opens when the transfer starts. */
  Decision send(Message.InstallSnapshot message, SnapshotSources sources) {
    if (message.from() != selfId) {
      throw new IllegalArgumentException("node " + selfId + " cannot send a snapshot from " + message.from());
    }
    return offer(message.to(), message.term(), message.snapshot(), Optional.empty(), sources);
  }

  private Decision offer(long to, long term, Snapshot snapshot, Optional<SnapshotSource> given, SnapshotSources sources) {
    if (to <= 0 || to == selfId) throw new IllegalArgumentException("cannot send a snapshot from node " + selfId + " to node " + to);
    Decision decision;
    Optional<OutboundSnapshot> replaced = Optional.empty();
    OutboundSnapshot transfer = null;
    synchronized (this) {
      OutboundSnapshot running = active.get(to);
      if (closed) {
        decision = Decision.CLOSED;
      } else if (running != null && !running.olderThan(term, snapshot)) {
        decision = Decision.IGNORED;
      } else {
        transfer = new OutboundSnapshot(selfId, clusterId, to, term, snapshot, given, sources, addressOf, limits, timings,
            pool, this);
        active.put(to, transfer);
        replaced = Optional.ofNullable(running);
        decision = running == null ? Decision.STARTED : Decision.REPLACED;
      }
    }
    switch (decision) {
      case IGNORED -> {
        ignored.increment();
        given.ifPresent(SnapshotSource::close);
      }
      case CLOSED -> {
        log.debug("not sending snapshot {}@{} to node {}: the sender is closed", snapshot.index(), snapshot.term(), to);
        given.ifPresent(SnapshotSource::close);
      }
      case STARTED, REPLACED -> {
        started.increment();
        OutboundSnapshot newer = transfer;
        replaced.ifPresent(old -> old.cancel("replaced by " + newer.describe() + " in term " + term));
        newer.start();
      }
    }
    return decision;
  }

  /** Cancels the transfer to {@code to}, if one runs (the peer left, or moved). */
  public void cancel(long to, String reason) {
    OutboundSnapshot running;
    synchronized (this) {
      running = active.get(to);
    }
    if (running != null) running.cancel(reason);
  }

  /** The running transfer to {@code to}, if any. */
  public synchronized Optional<SnapshotProgress> progress(long to) {
    return Optional.ofNullable(active.get(to)).map(OutboundSnapshot::progress);
  }

  public SnapshotSenderStats stats() {
    return new SnapshotSenderStats(started.sum(), delivered.sum(), failed.sum(), cancelled.sum(), ignored.sum(),
        bytesSent.sum());
  }

  /** Cancels every transfer (each reported {@link Outcome#CANCELLED}) and stops the threads. Idempotent. */
  @Override
  public void close() {
    List<OutboundSnapshot> running;
    synchronized (this) {
      if (closed) return;
      closed = true;
      running = new ArrayList<>(active.values());
    }
    running.forEach(t -> t.cancel("the transport is closing"));
    pool.shutdown(); // after the cancels, which run first and report
    try {
      if (!pool.awaitTermination(timings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("snapshot threads did not stop within {}", timings.closeTimeout());
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ called by transfers

  void sent(long bytes) {
    bytesSent.add(bytes);
  }

  void ended(OutboundSnapshot transfer, SnapshotTransferResult result) {
    synchronized (this) {
      active.remove(transfer.to, transfer);
    }
    switch (result.outcome()) {
      case DELIVERED -> delivered.increment();
      case FAILED -> failed.increment();
      case CANCELLED -> cancelled.increment();
    }
    try {
      listener.finished(result);
    } catch (RuntimeException e) {
      log.error("the snapshot transfer listener failed on {}", result, e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
