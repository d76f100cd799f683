package io.kuorum.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kuorum.raft.Message;
import io.kuorum.transport.proto.RaftMessage;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.transport.proto.StreamClosed;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this node sends to one peer: a channel, one long-lived client stream on it, a bounded
 * queue in front of it, and the reconnect loop.
 *
 * <p>Threading: {@link #send} may be called from any thread and only touches the lock-free queue.
 * All stream state (the current stream, the failure count) is confined to a {@link SerialExecutor},
 * which gRPC callbacks, reconnect timers and drains all go through.
 */
final class PeerLink {
  private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
  /** Messages written per drain before yielding the shared pool to other peers. */
  private static final int DRAIN_BATCH = 256;
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(30);

  private final long peerId;
  private final String address;
  private final String clusterId;
  private final String selfAddress;
  private final TransportLimits limits;
  private final TransportTimings timings;
  private final ManagedChannel channel;
  private final RaftServiceGrpc.RaftServiceStub stub;
  private final OutboundQueue queue;
  private final PeerCounters counters = new PeerCounters();
  private final SerialExecutor serial;
  private final ScheduledExecutorService scheduler;
  private final LogLimiter logLimiter = new LogLimiter(LOG_INTERVAL);
  private final AtomicBoolean drainRequested = new AtomicBoolean();
  private volatile boolean closed;

  // Confined to `serial`.
  private final Backoff backoff;
  private Optional<ActiveStream> current = Optional.empty();
  private int failures;
  private boolean opened;

  private PeerLink(long peerId, String address, String clusterId, String selfAddress, TransportLimits limits,
      TransportTimings timings, ScheduledExecutorService scheduler) {
    this.peerId = peerId;
    this.address = address;
    this.clusterId = clusterId;
    this.selfAddress = selfAddress;
    this.limits = limits;
    this.timings = timings;
    this.scheduler = scheduler;
    this.serial = new SerialExecutor(scheduler);
    this.queue = new OutboundQueue(limits.maxQueuedMessages(), limits.maxQueuedBytes());
    this.backoff = new Backoff(timings.reconnectMin(), timings.reconnectMax(),
        new SplittableRandom(ThreadLocalRandom.current().nextLong()));
    this.channel = PeerChannels.open(address, timings);
    this.stub = RaftServiceGrpc.newStub(channel);
  }

  /**
   * Creates the link and starts connecting in the background.
   *
   * @param selfAddress this node's advertised peer address, carried by every message
   */
  static PeerLink open(long peerId, String address, String clusterId, String selfAddress, TransportLimits limits,
      TransportTimings timings, ScheduledExecutorService scheduler) {
    PeerLink link = new PeerLink(peerId, address, clusterId, selfAddress, limits, timings, scheduler);
    link.serial.execute(link::openStream);
    return link;
  }

  String address() {
    return address;
  }

  PeerStats stats() {
    return counters.snapshot();
  }

  /** Queues the message for the peer, or drops it; never blocks. */
  void send(Message m) {
    if (closed) {
      counters.dropped(1);
      return;
    }
    if (!queue.offer(m)) {
      counters.dropped(1);
      OptionalLong permit = logLimiter.permit("full");
      if (permit.isPresent()) {
        log.warn("queue for peer {} at {} is full ({} messages, {} bytes): dropping messages{}",
            peerId, address, queue.size(), queue.bytes(), LogLimiter.suppressedNote(permit.getAsLong()));
      }
      return;
    }
    requestDrain();
  }

  /** Stops the link at once; pending messages are dropped. Waiting for termination is separate. */
  void shutdown() {
    closed = true;
    channel.shutdownNow(); // also fails the current stream, whose callback then finds `closed`
    counters.dropped(queue.clear());
  }

  boolean awaitTermination(long nanos) throws InterruptedException {
    return channel.awaitTermination(nanos, TimeUnit.NANOSECONDS);
  }

  // ------------------------------------------------------------------ confined to `serial`

  private void requestDrain() {
    // Coalesces: 100k sends cost at most a few queued drain tasks, not 100k.
    if (drainRequested.compareAndSet(false, true)) serial.execute(this::drain);
  }

  private void drain() {
    drainRequested.set(false);
    if (current.isEmpty()) return; // between streams: messages wait, and are dropped if the next one fails
    ActiveStream s = current.get();
    for (int written = 0; s.requests.isReady(); written++) {
      s.sawReady = true;
      if (written == DRAIN_BATCH) {
        requestDrain();
        return;
      }
      Optional<Message> next = queue.poll();
      if (next.isEmpty()) return;
      RaftMessage wire = MessageCodec.encode(next.get(), clusterId, selfAddress);
      int size = wire.getSerializedSize();
      if (size > limits.maxMessageBytes()) {
        // The peer would reset the whole stream over it; losing one message is cheaper.
        counters.dropped(1);
        OptionalLong permit = logLimiter.permit("too-large");
        if (permit.isPresent()) {
          log.warn("dropping a {}-byte message for peer {}: above the {}-byte limit{}",
              size, peerId, limits.maxMessageBytes(), LogLimiter.suppressedNote(permit.getAsLong()));
        }
        continue;
      }
      counters.sent(); // before the hand-over, so a reader who saw the message arrive sees it counted
      s.requests.onNext(wire);
    }
    // Not ready: the stream's onReady handler schedules the next drain.
  }

  private void openStream() {
    if (closed) return;
    if (opened) {
      counters.reconnected();
      // gRPC's own reconnect backoff grows to minutes; ours decides when to try again.
      channel.resetConnectBackoff();
    }
    opened = true;
    ActiveStream s = new ActiveStream(System.nanoTime());
    current = Optional.of(s);
    stub.stream(new ClientResponseObserver<RaftMessage, StreamClosed>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<RaftMessage> requests) {
        s.requests = requests;
        requests.setOnReadyHandler(() -> serial.execute(() -> onReady(s)));
      }

      @Override
      public void onNext(StreamClosed ignored) {}

      @Override
      public void onError(Throwable t) {
        serial.execute(() -> onStreamEnded(s, Status.fromThrowable(t)));
      }

      @Override
      public void onCompleted() {
        serial.execute(() -> onStreamEnded(s, Status.UNAVAILABLE.withDescription("peer ended the stream")));
      }
    });
  }

  private void onReady(ActiveStream s) {
    if (current.isPresent() && current.get() == s) drain();
  }

  private void onStreamEnded(ActiveStream s, Status status) {
    if (current.isEmpty() || current.get() != s) return;
    current = Optional.empty();
    // Raft resends what matters; stale messages queued for a dead stream only delay fresh ones.
    counters.dropped(queue.clear());
    if (closed) return;
    boolean wasHealthy = s.sawReady && System.nanoTime() - s.openedNanos >= timings.reconnectMax().toNanos();
    if (wasHealthy) failures = 0;
    Duration delay = backoff.delay(failures);
    failures = Math.min(failures + 1, 62);
    logEnded(s, status, delay);
    try {
      scheduler.schedule(() -> serial.execute(this::openStream), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The transport is closing.
    }
  }

  private void logEnded(ActiveStream s, Status status, Duration delay) {
    if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
      OptionalLong permit = logLimiter.permit("refused");
      if (permit.isPresent()) {
        log.warn("peer {} at {} refused our stream: {}; retrying in {} ms{}",
            peerId, address, status.getDescription(), delay.toMillis(), LogLimiter.suppressedNote(permit.getAsLong()));
      }
    } else if (s.sawReady) {
      log.warn("stream to peer {} at {} ended: {}; reconnecting in {} ms", peerId, address, describe(status), delay.toMillis());
    } else {
      OptionalLong permit = logLimiter.permit("unreachable");
      if (permit.isPresent()) {
        log.info("peer {} at {} is unreachable: {}; retrying with backoff{}",
            peerId, address, describe(status), LogLimiter.suppressedNote(permit.getAsLong()));
      }
    }
  }

  private static String describe(Status status) {
    return status.getDescription() == null ? status.getCode().toString() : status.getCode() + " " + status.getDescription();
  }

  /** One client stream; a new one replaces it after each failure. */
  private static final class ActiveStream {
    final long openedNanos;
    ClientCallStreamObserver<RaftMessage> requests; // set in beforeStart, before any callback
    boolean sawReady;

    ActiveStream(long openedNanos) {
      this.openedNanos = openedNanos;
    }
  }
}
