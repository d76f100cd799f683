package io.kuorum.watch;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.kuorum.kv.Change;
import io.kuorum.kv.proto.KeyValue;
import io.kuorum.kv.proto.WatchEvent;
import io.kuorum.kv.proto.WatchResponse;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Watch stream. The apply thread hands it matching changes through {@link #offer}, which only
 * appends to a lock-free queue and counts it; sending happens on other threads (gRPC's when the call
 * becomes ready, the hub's sender pool when a change arrives), one at a time under this object's lock,
 * and only while gRPC flow control says the client keeps up ({@code isReady}). A backlog over its bound
 * ends the stream instead of growing: the apply path never waits for a slow client and memory stays
 * bounded. Changes from history (a watch from a past revision) are sent before the live ones.
 */
final class Watcher {

  /** Trailer with the revision to resume from, on every status that lets the client resume. */
  static final Metadata.Key<String> RESUME_REVISION =
      Metadata.Key.of("kuorum-watch-resume-revision", Metadata.ASCII_STRING_MARSHALLER);
  /** Trailer of OUT_OF_RANGE: the oldest revision the member could replay. */
  static final Metadata.Key<String> OLDEST_REVISION =
      Metadata.Key.of("kuorum-watch-oldest-revision", Metadata.ASCII_STRING_MARSHALLER);

  /** One message carries at most this many events, or this many bytes of keys and values plus one more event. */
  private static final int MAX_EVENTS_PER_MESSAGE = 256;
  private static final long MAX_BYTES_PER_MESSAGE = 1 << 20;

  final KeySelector selector;
  /** The first revision this stream sends changes of. */
  final long start;
  private final long nodeId;
  private final WatchLimits limits;
  private final WatchHub hub;
  private final ServerCallStreamObserver<WatchResponse> call;
  private final Executor senders;
  private final long progressIntervalNanos;

  // Shared between the apply thread and the senders without a lock:
  private final ConcurrentLinkedQueue<Change> live = new ConcurrentLinkedQueue<>();
  private final AtomicInteger liveEvents = new AtomicInteger();
  private final AtomicLong liveBytes = new AtomicLong();
  private final AtomicReference<WatchEnding> ending = new AtomicReference<>();
  private final AtomicBoolean sendQueued = new AtomicBoolean();
  private volatile boolean progressDue;
  private volatile long lastSendNanos = System.nanoTime();

  // Guarded by this:
  private List<Change> replay;
  private int replayed;
  private boolean createdSent;
  /** Every matching change up to here was sent. */
  private long sentThrough;
  private boolean finished;
  private ScheduledFuture<?> progressTimer;

  Watcher(long nodeId, KeySelector selector, long start, List<Change> replay, WatchLimits limits, WatchHub hub,
      ServerCallStreamObserver<WatchResponse> call, Executor senders, long progressIntervalNanos) {
    this.nodeId = nodeId;
    this.selector = selector;
    this.start = start;
    this.replay = replay;
    this.sentThrough = start - 1;
    this.limits = limits;
    this.hub = hub;
    this.call = call;
    this.senders = senders;
    this.progressIntervalNanos = progressIntervalNanos;
    call.setOnReadyHandler(this::send);
    call.setOnCancelHandler(this::cancelled);
  }

  synchronized void progressTimer(ScheduledFuture<?> timer) {
    if (finished) timer.cancel(false);
    else progressTimer = timer;
  }

  /**
   * Apply thread, under the hub's lock: queues a change for sending. Returns false when the backlog
   * just went over its bound: the watcher then ends itself and the hub forgets it.
   */
  boolean offer(Change change) {
    if (change.revision() < start) return true; // a watch from a future revision waits for it
    live.add(change);
    int events = liveEvents.incrementAndGet();
    long bytes = liveBytes.addAndGet(WatchLimits.bytesOf(change));
    if (events > limits.backlogEvents() || bytes > limits.backlogBytes()) {
      end(new WatchEnding(Status.Code.RESOURCE_EXHAUSTED, "the watcher fell behind: " + events + " changes ("
          + bytes + " bytes) waited to be sent, more than node " + nodeId + " keeps per watcher (" + limits.backlogEvents()
          + " changes or " + limits.backlogBytes() + " bytes); read faster, or watch fewer keys", true));
      return false;
    }
    queueSend();
    return true;
  }

  /** Any thread: ends the stream with {@code why} as soon as a sender gets to it (the first ending wins). */
  void end(WatchEnding why) {
    if (ending.compareAndSet(null, why)) queueSend();
  }

  /** Timer thread: asks for a progress message if nothing was sent for the interval. */
  void progressTick() {
    if (System.nanoTime() - lastSendNanos >= progressIntervalNanos) {
      progressDue = true;
      queueSend();
    }
  }

  private void queueSend() {
    if (sendQueued.compareAndSet(false, true)) {
      try {
        senders.execute(() -> {
          sendQueued.set(false);
          send();
        });
      } catch (RejectedExecutionException e) {
        sendQueued.set(false); // the hub is closing; its close ends this stream
      }
    }
  }

  /** Sends what may be sent now: the ending, else the created message, then changes or progress while gRPC is ready. */
  synchronized void send() {
    if (finished) return;
    WatchEnding why = ending.get();
    if (why != null) {
      finish(why);
      return;
    }
    try {
      if (!createdSent) {
        if (!call.isReady()) return;
        call.onNext(WatchResponse.newBuilder().setCreated(true).setRevision(sentThrough).build());
        createdSent = true;
        lastSendNanos = System.nanoTime();
      }
      while (call.isReady()) {
        // Read before looking at the queues: every change up to it was queued before it was published.
        long applied = hub.appliedIndex();
        WatchResponse.Builder message = WatchResponse.newBuilder();
        long bytes = 0;
        for (Change c = next(); c != null; c = next()) {
          message.addEvents(event(c));
          bytes += WatchLimits.bytesOf(c);
          sentThrough = c.revision();
          if (message.getEventsCount() == MAX_EVENTS_PER_MESSAGE || bytes >= MAX_BYTES_PER_MESSAGE) break;
        }
        if (message.getEventsCount() == 0) {
          if (!progressDue) return;
          progressDue = false;
          sentThrough = Math.max(sentThrough, applied); // nothing more matched up to the applied index
        }
        call.onNext(message.setRevision(sentThrough).build());
        lastSendNanos = System.nanoTime();
      }
    } catch (RuntimeException e) {
      // The call ended under us (cancelled, or the transport failed): nobody is left to tell.
      finished = true;
      release();
    }
  }

  private Change next() {
    if (replay != null) {
      if (replayed < replay.size()) return replay.get(replayed++);
      replay = null; // let the history copy go
    }
    Change c = live.poll();
    if (c != null) {
      liveEvents.decrementAndGet();
      liveBytes.addAndGet(-WatchLimits.bytesOf(c));
    }
    return c;
  }

  private void finish(WatchEnding why) {
    finished = true;
    release();
    Metadata trailers = new Metadata();
    String description = why.reason();
    if (why.resumable()) {
      long resume = sentThrough + 1;
      trailers.put(RESUME_REVISION, Long.toString(resume));
      description += "; resume from revision " + resume + " (start_revision " + resume + "), at any member";
    }
    try {
      call.onError(Status.fromCode(why.code()).withDescription(description).asRuntimeException(trailers));
    } catch (RuntimeException e) {
      // already cancelled by the client: nothing to tell
    }
  }

  private synchronized void cancelled() {
    finished = true;
    release();
  }

  /** Lets go of the queue, the timer and the hub's registration. */
  private void release() {
    live.clear();
    replay = null;
    if (progressTimer != null) progressTimer.cancel(false);
    hub.forget(this);
  }

  private static WatchEvent event(Change c) {
    if (c instanceof Change.Put put) {
      return WatchEvent.newBuilder().setType(WatchEvent.Type.PUT).setKv(put.kv()).build();
    }
    ByteString key = c.key();
    return WatchEvent.newBuilder().setType(WatchEvent.Type.DELETE)
        .setKv(KeyValue.newBuilder().setKey(key).setRevision(c.revision())).build();
  }
}
