package io.kuorum.watch;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.kuorum.kv.Change;
import io.kuorum.kv.ChangeListener;
import io.kuorum.kv.proto.WatchRequest;
import io.kuorum.kv.proto.WatchResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The watches of one member. It listens to the state machine (on the apply thread): each change goes
 * into the bounded {@link WatchHistory} and to the {@link Watcher}s it matches, found through the
 * {@link WatchMatcher}; the apply thread does nothing else for a watch, and never waits for a
 * client. One lock guards history, matcher and registrations; it is held for O(matching watchers) per
 * change, and for a copy of the requested history when a watch opens.
 */
public final class WatchHub implements ChangeListener, AutoCloseable {

  private final long nodeId;
  private final WatchLimits limits;
  private final WatchHistory history;
  private final WatchMatcher<Watcher> matcher = new WatchMatcher<>();
  private final Set<Watcher> watchers = new HashSet<>();
  private final List<Watcher> overflowed = new ArrayList<>();
  private final ExecutorService senders;
  private final ScheduledExecutorService timer;
  private volatile long applied;
  /** {@code watchers.size()}, readable without the lock (metrics scrapes must never wait on the apply thread). */
  private volatile int watcherCount;
  private boolean closed;

  public WatchHub(long nodeId, WatchLimits limits) {
    this.nodeId = nodeId;
    this.limits = limits;
    this.history = new WatchHistory(limits.historyEvents(), limits.historyBytes(), 0);
    // Sending never blocks (gRPC flow control says when to stop), so two threads serve any number of streams.
    this.senders = Executors.newFixedThreadPool(2, daemons("kuorum-watch-send-" + nodeId));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemons("kuorum-watch-progress-" + nodeId));
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The last index the state machine applied, as far as watches know. */
  long appliedIndex() {
    return applied;
  }

  /** Watch streams open on this member; takes no lock. */
  public int watchers() {
    return watcherCount;
  }

  // ---------------------------------------------------------------- the apply thread

  @Override
  public synchronized void changed(Change change) {
    history.append(change);
    matcher.forEachMatch(change.key(), w -> {
      if (!w.offer(change)) overflowed.add(w);
    });
    if (!overflowed.isEmpty()) {
      overflowed.forEach(this::unregister);
      overflowed.clear();
    }
  }

  @Override
  public void applied(long index) {
    applied = index; // volatile: published after the changes of index were queued (see Watcher.send)
  }

  /**
   * A snapshot replaced the state (at start, or installed from the leader): the changes up to {@code
   * index} are unknown, so a watcher still waiting for one of them cannot go on here. It ends with
   * UNAVAILABLE and the revision to resume from at a member that has the history.
   */
  @Override
  public synchronized void restored(long index) {
    history.reset(index);
    applied = index;
    for (Watcher w : List.copyOf(watchers)) {
      w.end(new WatchEnding(Status.Code.UNAVAILABLE, "node " + nodeId + " replaced its state with a snapshot at revision "
          + index + " and cannot send the changes before it", true));
      unregister(w);
    }
  }

  // ---------------------------------------------------------------- gRPC threads

  /**
   * Starts a validated watch on {@code call}: from {@code start_revision} if this member still holds
   * every change since then, or from now. Must run inside the service method (gRPC takes the stream's
   * handlers only then).
   */
  public void open(WatchRequest request, KeySelector selector, ServerCallStreamObserver<WatchResponse> call) {
    long progressNanos = request.getProgressIntervalMs() == 0 ? 0
        : Math.max(limits.minProgressInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(request.getProgressIntervalMs()));
    Watcher watcher;
    synchronized (this) {
      if (closed) {
        call.onError(Status.UNAVAILABLE.withDescription("node " + nodeId + " is shutting down; watch at another member")
            .asRuntimeException());
        return;
      }
      if (watchers.size() >= limits.maxWatchers()) {
        // Each watcher may hold a backlog of up to --watch-backlog-bytes: their number bounds the total.
        call.onError(Status.RESOURCE_EXHAUSTED.withDescription("node " + nodeId + " already serves " + watchers.size()
            + " watch streams, the limit set by --watch-max-watchers; close watches no longer needed (one watch of a"
            + " common prefix can replace many of single keys), watch at another member, or raise --watch-max-watchers")
            .asRuntimeException());
        return;
      }
      long start = request.getStartRevision();
      long horizon = history.horizon();
      if (start != 0 && start <= horizon) {
        Metadata trailers = new Metadata();
        trailers.put(Watcher.OLDEST_REVISION, Long.toString(horizon + 1));
        call.onError(Status.OUT_OF_RANGE.withDescription("node " + nodeId + " cannot replay changes from revision " + start
            + ": the oldest revision it can replay is " + (horizon + 1) + " (older changes left its bounded history, or"
            + " predate its last start or snapshot); read the current state with Range and watch from that read's"
            + " revision + 1").asRuntimeException(trailers));
        return;
      }
      if (start == 0) start = Math.max(applied, horizon) + 1;
      List<Change> replay = history.since(start).stream().filter(c -> selector.matches(c.key())).toList();
      watcher = new Watcher(nodeId, selector, start, replay, limits, this, call, senders, progressNanos);
      matcher.add(selector, watcher);
      watchers.add(watcher);
      watcherCount = watchers.size();
    }
    if (progressNanos > 0) {
      // Ticks at half the interval, so a quiet stream hears from the member at most 1.5 intervals apart.
      long tick = Math.max(1, progressNanos / 2);
      watcher.progressTimer(timer.scheduleAtFixedRate(watcher::progressTick, tick, tick, TimeUnit.NANOSECONDS));
    }
    watcher.send(); // the created message, and any history, as far as flow control allows now
  }

  /** The watcher ended (finished, failed or cancelled): it gets no more changes. */
  synchronized void forget(Watcher watcher) {
    unregister(watcher);
  }

  private void unregister(Watcher w) {
    if (watchers.remove(w)) matcher.remove(w.selector, w);
    watcherCount = watchers.size();
  }

  /** Ends every watch (UNAVAILABLE, with where to resume) and stops the sender threads. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      for (Watcher w : List.copyOf(watchers)) {
        w.end(new WatchEnding(Status.Code.UNAVAILABLE, "node " + nodeId + " is shutting down", true));
        unregister(w);
      }
    }
    timer.shutdownNow();
    senders.shutdown(); // the endings just queued still run
    try {
      senders.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    senders.shutdownNow();
  }
}
