package io.kuorum.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kuorum.raft.Snapshot;
import io.kuorum.transport.SnapshotTransferResult.Outcome;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.transport.proto.SnapshotChunk;
import io.kuorum.transport.proto.SnapshotReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot on its way to one follower, over a channel of its own (a large transfer must not
 * hold up heartbeats in the message stream's connection or HTTP/2 window).
 *
 * <p>Each call opens with the header; the receiver answers with the bytes it already holds, and the
 * call streams from there, reading the source one chunk at a time and writing only while gRPC says
 * the call is ready, so at most a chunk plus HTTP/2's windows are in flight and the file is never
 * buffered whole. A call that breaks is retried after a backoff and resumes where the receiver
 * stands; the transfer gives up after {@link TransportLimits#snapshotAttempts} calls in a row
 * without the receiver holding more, on a refusal that retrying cannot fix, or at its overall
 * deadline ({@link TransportTimings#snapshotDeadline}).
 *
 * <p>All state is confined to a {@link SerialExecutor} on the snapshot threads: gRPC callbacks,
 * timers and reads go through it.
 */
final class OutboundSnapshot {
  private static final Logger log = LoggerFactory.getLogger(OutboundSnapshot.class);
  /** Chunks written per run before yielding the snapshot threads to other transfers. */
  private static final int PUMP_BATCH = 16;
  /** Refusals a retry cannot change: the receiver said this transfer is wrong, or cannot take snapshots. */
  private static final Set<Status.Code> FINAL = EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION,
      Status.Code.UNIMPLEMENTED, Status.Code.INTERNAL, Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED,
      Status.Code.OUT_OF_RANGE);

  private enum Phase { WAITING, HANDSHAKE, STREAMING, SENT_LAST, DONE }

  final long to;
  final long term;
  final Snapshot snapshot;
  private final long selfId;
  private final String clusterId;
  private final long transferId = ThreadLocalRandom.current().nextLong();
  private final Optional<SnapshotSource> given;
  private final SnapshotSources sources;
  private final LongFunction<Optional<String>> addressOf;
  private final TransportLimits limits;
  private final TransportTimings timings;
  private final ScheduledExecutorService scheduler;
  private final SerialExecutor serial;
  private final SnapshotSender owner;
  private final long requestedNanos = System.nanoTime();

  // Confined to `serial`.
  private final Backoff backoff;
  private Phase phase = Phase.WAITING;
  private Optional<SnapshotSource> source = Optional.empty();
  private Optional<ManagedChannel> channel = Optional.empty();
  private Optional<Call> current = Optional.empty();
  private Optional<InputStream> input = Optional.empty();
  private Optional<ScheduledFuture<?>> deadlineTimer = Optional.empty();
  private long size;
  private long offset;
  private long bytesSent;
  private long lastHeld = -1;
  private int calls;
  private int failuresWithoutProgress;
  private volatile SnapshotProgress progress;

  /**
   * @param given the source, when the caller opened it; otherwise {@code sources} opens it on start
   */
  OutboundSnapshot(long selfId, String clusterId, long to, long term, Snapshot snapshot, Optional<SnapshotSource> given,
      SnapshotSources sources, LongFunction<Optional<String>> addressOf, TransportLimits limits, TransportTimings timings,
      ScheduledExecutorService scheduler, SnapshotSender owner) {
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.to = to;
    this.term = term;
    this.snapshot = snapshot;
    this.given = given;
    this.sources = sources;
    this.addressOf = addressOf;
    this.limits = limits;
    this.timings = timings;
    this.scheduler = scheduler;
    this.serial = new SerialExecutor(scheduler);
    this.owner = owner;
    this.backoff = new Backoff(timings.reconnectMin(), timings.reconnectMax(),
        new SplittableRandom(ThreadLocalRandom.current().nextLong()));
    this.progress = new SnapshotProgress(snapshot.index(), snapshot.term(), 0, 0, 0, false);
  }

  void start() {
    serial.execute(this::begin);
  }

  /** Stops the transfer and reports it {@link Outcome#CANCELLED}; nothing happens if it already ended. */
  void cancel(String reason) {
    serial.execute(() -> {
      current.ifPresent(c -> c.requests.cancel(reason, null));
      current = Optional.empty();
      finish(Outcome.CANCELLED, reason);
    });
  }

  SnapshotProgress progress() {
    return progress;
  }

  /** Whether a request for {@code other} in {@code otherTerm} should replace this transfer. */
  boolean olderThan(long otherTerm, Snapshot other) {
    // A newer snapshot makes this one useless: the log between the two is compacted on this node.
    // The same snapshot in a later term must be resent too, since the follower's core refuses a
    // message of a past term; its bytes are not lost, the new transfer resumes where this one was.
    return other.index() > snapshot.index() || (other.index() == snapshot.index() && otherTerm > term);
  }

  String describe() {
    return "snapshot " + snapshot.index() + "@" + snapshot.term() + " (transfer " + Long.toHexString(transferId) + ")";
  }

  // ------------------------------------------------------------------ confined to `serial`

  private void begin() {
    if (phase == Phase.DONE) return; // cancelled before it began
    Optional<String> address = addressOf.apply(to);
    if (address.isEmpty()) {
      finish(Outcome.FAILED, "no peer address is known for node " + to);
      return;
    }
    try {
      source = given.isPresent() ? given : sources.open(snapshot);
      if (source.isEmpty()) {
        finish(Outcome.FAILED, "this node no longer has " + describe() + ": a newer snapshot replaced it");
        return;
      }
      size = source.get().size();
    } catch (IOException | RuntimeException e) {
      finish(Outcome.FAILED, "cannot open " + describe() + ": " + e);
      return;
    }
    if (size < 0) {
      finish(Outcome.FAILED, "the source of " + describe() + " reports a negative size, " + size);
      return;
    }
    Duration deadline = timings.snapshotDeadline(size);
    try {
      deadlineTimer = Optional.of(scheduler.schedule(() -> serial.execute(() -> onDeadline(deadline)),
          deadline.toNanos(), TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      finish(Outcome.CANCELLED, "the transport is closing");
      return;
    }
    channel = Optional.of(PeerChannels.open(address.get(), timings));
    log.info("sending {} to node {} at {}: {} bytes, deadline {}", describe(), to, address.get(), size, deadline);
    openCall();
  }

  private void openCall() {
    if (phase == Phase.DONE) return;
    calls++;
    // gRPC's own reconnect backoff grows to minutes; ours decides when to try again.
    if (calls > 1) channel.get().resetConnectBackoff();
    Call c = new Call();
    current = Optional.of(c);
    phase = Phase.HANDSHAKE;
    publish(false);
    RaftServiceGrpc.newStub(channel.get()).installSnapshot(c); // sets c.requests in beforeStart
    c.requests.onNext(SnapshotWire.headerChunk(clusterId, selfId, to, term, snapshot, size, transferId));
  }

  private void onReceipt(Call c, SnapshotReceipt r) {
    if (!isCurrent(c)) return;
    if (phase == Phase.HANDSHAKE && !r.getComplete()) {
      startStreaming(c, r.getHeld());
    } else if (phase == Phase.SENT_LAST && r.getComplete() && r.getHeld() == size) {
      current = Optional.empty();
      finish(Outcome.DELIVERED, "");
    } else {
      abandon(c, Outcome.FAILED, "node " + to + " sent an unexpected receipt for " + describe() + " (held "
          + Long.toUnsignedString(r.getHeld()) + ", complete " + r.getComplete() + ") while " + phase);
    }
  }

  private void startStreaming(Call c, long held) {
    if (held < 0 || held > size) {
      abandon(c, Outcome.FAILED, "node " + to + " claims to hold " + Long.toUnsignedString(held) + " bytes of "
          + describe() + ", which has " + size);
      return;
    }
    if (held > lastHeld) failuresWithoutProgress = 0;
    lastHeld = held;
    offset = held;
    try {
      input = Optional.of(source.get().openAt(held));
    } catch (IOException | RuntimeException e) {
      abandon(c, Outcome.FAILED, "cannot read " + describe() + " at offset " + held + ": " + e);
      return;
    }
    if (held > 0) log.info("node {} holds {} of {} bytes of {}: resuming there", to, held, size, describe());
    phase = Phase.STREAMING;
    pump(c);
  }

  /** Writes chunks while the call is ready; its onReady handler brings the transfer back here. */
  private void pump(Call c) {
    if (!isCurrent(c) || phase != Phase.STREAMING) return;
    for (int n = 0; ; n++) {
      if (!c.requests.isReady()) {
        publish(true);
        return;
      }
      if (n == PUMP_BATCH) {
        serial.execute(() -> pump(c));
        return;
      }
      int length = (int) Math.min(limits.snapshotChunkBytes(), size - offset);
      byte[] data;
      try {
        data = input.get().readNBytes(length);
      } catch (IOException | RuntimeException e) {
        abandon(c, Outcome.FAILED, "cannot read " + describe() + " at offset " + offset + ": " + e);
        return;
      }
      if (data.length < length) {
        abandon(c, Outcome.FAILED, "the source of " + describe() + " ended at byte " + (offset + data.length)
            + " of " + size + ": the file changed while it was sent");
        return;
      }
      boolean last = offset + length == size;
      c.requests.onNext(SnapshotWire.dataChunk(offset, data, last));
      offset += length;
      bytesSent += length;
      owner.sent(length);
      if (last) {
        c.requests.onCompleted();
        closeInput();
        phase = Phase.SENT_LAST;
        publish(false);
        return;
      }
      publish(false);
    }
  }

  private void onCallEnded(Call c, Status status) {
    if (!isCurrent(c)) return;
    current = Optional.empty();
    closeInput();
    if (FINAL.contains(status.getCode())) {
      finish(Outcome.FAILED, "node " + to + " refused " + describe() + ": " + describe(status));
      return;
    }
    failuresWithoutProgress++;
    if (failuresWithoutProgress >= limits.snapshotAttempts()) {
      finish(Outcome.FAILED, "gave up on " + describe() + " after " + failuresWithoutProgress
          + " calls in a row without progress; the last ended with " + describe(status));
      return;
    }
    Duration delay = backoff.delay(failuresWithoutProgress - 1);
    log.info("call {} of {} to node {} ended at byte {}: {}; retrying in {} ms", calls, describe(), to, offset,
        describe(status), delay.toMillis());
    phase = Phase.WAITING;
    publish(false);
    try {
      scheduler.schedule(() -> serial.execute(this::openCall), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finish(Outcome.CANCELLED, "the transport is closing");
    }
  }

  private void onDeadline(Duration deadline) {
    if (phase == Phase.DONE) return;
    String detail = "the deadline of " + deadline + " for " + describe() + " (" + size + " bytes) passed after " + calls
        + " call(s), at byte " + offset;
    current.ifPresent(c -> c.requests.cancel(detail, null));
    current = Optional.empty();
    finish(Outcome.FAILED, detail);
  }

  private void abandon(Call c, Outcome outcome, String detail) {
    c.requests.cancel(detail, null);
    current = Optional.empty();
    finish(outcome, detail);
  }

  private void finish(Outcome outcome, String detail) {
    if (phase == Phase.DONE) return;
    phase = Phase.DONE;
    deadlineTimer.ifPresent(t -> t.cancel(false));
    closeInput();
    // A source the caller opened is ours to close even when the transfer never read it.
    (source.isPresent() ? source : given).ifPresent(OutboundSnapshot::closeQuietly);
    channel.ifPresent(ManagedChannel::shutdownNow);
    publish(false);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - requestedNanos);
    var result = new SnapshotTransferResult(to, term, snapshot.index(), snapshot.term(), outcome, size, bytesSent, calls,
        elapsed, detail);
    switch (outcome) {
      case DELIVERED -> log.info("sent {} to node {}: {} bytes in {} ms over {} call(s)", describe(), to, size,
          elapsed.toMillis(), calls);
      case FAILED -> log.warn("sending {} to node {} failed: {}", describe(), to, detail);
      case CANCELLED -> log.info("stopped sending {} to node {}: {}", describe(), to, detail);
    }
    owner.ended(this, result);
  }

  private boolean isCurrent(Call c) {
    return current.isPresent() && current.get() == c;
  }

  private void closeInput() {
    input.ifPresent(in -> {
      try {
        in.close();
      } catch (IOException e) {
        log.debug("closing the snapshot stream failed", e);
      }
    });
    input = Optional.empty();
  }

  private void publish(boolean awaitingReceiver) {
    progress = new SnapshotProgress(snapshot.index(), snapshot.term(), size, offset, calls, awaitingReceiver);
  }

  private static void closeQuietly(SnapshotSource s) {
    try {
      s.close();
    } catch (RuntimeException e) {
      log.warn("closing a snapshot source failed", e);
    }
  }

  private static String describe(Status status) {
    return status.getDescription() == null ? status.getCode().toString() : status.getCode() + " " + status.getDescription();
  }

  /** One call of the transfer; a new one replaces it after each failure. */
  private final class Call implements ClientResponseObserver<SnapshotChunk, SnapshotReceipt> {
    ClientCallStreamObserver<SnapshotChunk> requests; // set in beforeStart, before any callback

    @Override
    public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requests) {
      this.requests = requests;
      requests.setOnReadyHandler(() -> serial.execute(() -> pump(this)));
    }

    @Override
    public void onNext(SnapshotReceipt receipt) {
      serial.execute(() -> onReceipt(this, receipt));
    }

    @Override
    public void onError(Throwable t) {
      serial.execute(() -> onCallEnded(this, Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
      serial.execute(() -> onCallEnded(this, Status.UNAVAILABLE.withDescription(
          "the receiver ended the call without confirming the snapshot")));
    }
  }
}
