package io.kuorum.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.WatchRequest;
import io.kuorum.kv.proto.WatchResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A watch that survives broken streams: whenever one ends (member killed or stopped, fell behind,
 * shutting down, snapshot installed) it opens the next at another member, from one past the last
 * revision it saw, so the listener gets every change once and in order. Any member serves watches, so
 * it simply takes the endpoints in turn. It asks for progress messages and treats a stream that says
 * nothing for {@link #SILENCE} as broken: a paused member keeps its TCP connection open.
 *
 * <p>Only these are final: OUT_OF_RANGE once every endpoint answered it for the same revision (a
 * restarted member's history may start later than another's), and refusals of the request itself.
 */
final class ResumingWatch implements Watch {

  /** How often a quiet stream is asked to say where it is. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
  /** A stream that sends nothing for this long, while we wait for it, is abandoned. */
  static final Duration SILENCE = Duration.ofSeconds(5);

  private final ChannelPool channels;
  private final List<String> endpoints;
  private final WatchTarget target;
  private final WatchListener listener;
  private final ScheduledExecutorService timers;
  private final ClientOptions options;
  private final Consumer<Watch> onClosed;

  private final Object lock = new Object();
  // Guarded by lock:
  private long next;
  private int endpoint;
  private long attempt;
  private ClientCall<WatchRequest, WatchResponse> call;
  private Backoff backoff;
  private final Set<String> outOfRange = new HashSet<>();
  private boolean closed;
  private ScheduledFuture<?> watchdog;
  // Read by the watchdog:
  private volatile long lastHeardNanos;
  private volatile boolean inListener;

  ResumingWatch(ChannelPool channels, List<String> endpoints, String first, WatchTarget target, long fromRevision,
      WatchListener listener, ClientOptions options, ScheduledExecutorService timers, Consumer<Watch> onClosed) {
    this.channels = channels;
    this.endpoints = List.copyOf(endpoints);
    this.endpoint = Math.max(0, this.endpoints.indexOf(first));
    this.target = target;
    this.next = fromRevision;
    this.listener = listener;
    this.options = options;
    this.timers = timers;
    this.onClosed = onClosed;
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
  }

  void start() {
    synchronized (lock) {
      long period = SILENCE.toNanos() / 5;
      watchdog = timers.scheduleAtFixedRate(this::checkSilence, period, period, TimeUnit.NANOSECONDS);
    }
    connect();
  }

  @Override
  public long nextRevision() {
    synchronized (lock) {
      return next;
    }
  }

  @Override
  public void close() {
    closeNow();
  }

  /** Closes the watch; true if this call did it (so exactly one caller reports why). */
  private boolean closeNow() {
    ClientCall<WatchRequest, WatchResponse> open;
    synchronized (lock) {
      if (closed) return false;
      closed = true;
      open = call;
      call = null;
      if (watchdog != null) watchdog.cancel(false);
    }
    if (open != null) open.cancel("the watch was closed by the client", null);
    onClosed.accept(this);
    return true;
  }

  private void connect() {
    ClientCall<WatchRequest, WatchResponse> opened;
    WatchRequest request;
    String address;
    long id;
    synchronized (lock) {
      if (closed) return;
      address = endpoints.get(endpoint);
      request = WatchRequest.newBuilder().setKey(Protos.bytes(target.bytes())).setPrefix(target instanceof WatchTarget.Prefix)
          .setStartRevision(next).setProgressIntervalMs((int) PROGRESS_INTERVAL.toMillis()).build();
      try {
        opened = channels.channel(address).newCall(KvServiceGrpc.getWatchMethod(), CallOptions.DEFAULT);
      } catch (IllegalStateException e) {
        return; // the client is closed; so is this watch, in a moment
      }
      id = ++attempt;
      call = opened;
      lastHeardNanos = System.nanoTime();
    }
    opened.start(new Stream(id, address), new Metadata());
    opened.sendMessage(request);
    opened.halfClose();
    opened.request(1); // one message at a time: the server sends no faster than the listener takes them
  }

  /** Abandons a stream that stayed silent while we waited for it; its close then reconnects. */
  private void checkSilence() {
    ClientCall<WatchRequest, WatchResponse> silent;
    synchronized (lock) {
      if (closed || call == null || inListener || System.nanoTime() - lastHeardNanos < SILENCE.toNanos()) return;
      silent = call;
    }
    silent.cancel("no message from the member for " + SILENCE.toMillis() + " ms although progress was asked for", null);
  }

  /** The callbacks of one stream; gRPC calls them one at a time, and those of an abandoned stream are ignored. */
  private final class Stream extends ClientCall.Listener<WatchResponse> {
    private final long id;
    private final String address;

    Stream(long id, String address) {
      this.id = id;
      this.address = address;
    }

    private boolean current() {
      synchronized (lock) {
        return !closed && attempt == id;
      }
    }

    @Override
    public void onMessage(WatchResponse message) {
      if (!current()) return;
      lastHeardNanos = System.nanoTime();
      inListener = true;
      try {
        deliver(message);
      } catch (RuntimeException e) {
        fail(new KuorumException(Status.Code.UNKNOWN, "the watch listener threw " + e + "; the watch is closed", e));
        return;
      } finally {
        inListener = false;
        lastHeardNanos = System.nanoTime();
      }
      ClientCall<WatchRequest, WatchResponse> c;
      synchronized (lock) {
        c = attempt == id && !closed ? call : null;
      }
      if (c != null) c.request(1);
    }

    /**
     * Hands one message to the listener. {@code closed} is checked before every call: one message
     * carries many events, and close() (from another thread, or from the listener itself) must stop
     * the ones not yet delivered. Only a call already running when close() is called can end after it.
     */
    private void deliver(WatchResponse message) {
      if (message.getCreated()) {
        synchronized (lock) {
          if (closed) return;
          next = Math.max(next, message.getRevision() + 1);
          backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
          outOfRange.clear();
        }
        listener.onConnected(address, message.getRevision());
        return;
      }
      for (io.kuorum.kv.proto.WatchEvent e : message.getEventsList()) {
        long revision = e.getKv().getRevision();
        synchronized (lock) {
          if (closed) return;
          // After a reconnect the new member starts at `next`; anything older would be a repeat.
          if (revision < next) continue;
          next = revision + 1;
        }
        listener.onEvent(e.getType() == io.kuorum.kv.proto.WatchEvent.Type.DELETE
            ? new WatchEvent.Delete(e.getKv().getKey().toByteArray(), revision)
            : new WatchEvent.Put(Protos.keyValue(e.getKv())));
      }
      if (message.getEventsCount() == 0) {
        synchronized (lock) {
          if (closed) return;
          next = Math.max(next, message.getRevision() + 1);
        }
        listener.onProgress(message.getRevision());
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (!current()) return;
      Status.Code code = status.getCode();
      if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.UNIMPLEMENTED) {
        fail(new KuorumException(code, "watch refused by " + address + ": " + Failure.describe(status)));
        return;
      }
      long delayNanos;
      synchronized (lock) {
        if (code == Status.Code.OUT_OF_RANGE) {
          outOfRange.add(address);
          if (outOfRange.containsAll(endpoints)) {
            delayNanos = -1;
          } else {
            delayNanos = 0; // another member may hold a longer history
          }
        } else {
          delayNanos = backoff.next().toNanos();
        }
        endpoint = (endpoint + 1) % endpoints.size();
        call = null;
      }
      if (delayNanos < 0) {
        fail(new KuorumException(code, "no member can resume the watch: " + Failure.describe(status)));
      } else if (delayNanos == 0) {
        connect();
      } else {
        try {
          timers.schedule(ResumingWatch.this::connect, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          // the client is closing
        }
      }
    }
  }

  private void fail(KuorumException error) {
    if (closeNow()) listener.onError(error);
  }
}
