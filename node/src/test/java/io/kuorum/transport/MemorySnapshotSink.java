package io.kuorum.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink in memory that keeps partial snapshots by key (so a new call, or a new server given the
 * same sink, resumes them), records what happened, and can hold a write at a chosen offset until
 * the test releases it.
 */
final class MemorySnapshotSink implements SnapshotSink {
  final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
  final Map<String, byte[]> completed = new ConcurrentHashMap<>();
  private final Map<SnapshotHeader.Key, Partial> partials = new ConcurrentHashMap<>();
  private final AtomicInteger references = new AtomicInteger();
  /** Bytes written to any staged snapshot, for flow-control checks. */
  final AtomicLong written = new AtomicLong();
  private volatile long gateAt = Long.MAX_VALUE;
  private final CountDownLatch gate = new CountDownLatch(1);
  final AtomicBoolean blocked = new AtomicBoolean();
  private volatile Optional<Long> failWriteAt = Optional.empty();

  /** The first write that would reach past {@code offset} waits until {@link #release}. */
  MemorySnapshotSink holdAt(long offset) {
    gateAt = offset;
    return this;
  }

  void release() {
    gate.countDown();
  }

  /** The write at {@code offset} throws, once. */
  MemorySnapshotSink failOnceAt(long offset) {
    failWriteAt = Optional.of(offset);
    return this;
  }

  /** Pretends an earlier call left the first {@code bytes} of the snapshot behind. */
  void stagePartial(SnapshotHeader.Key key, byte[] bytes) {
    Partial p = new Partial(key);
    p.append(ByteBuffer.wrap(bytes));
    partials.put(key, p);
  }

  long held(SnapshotHeader.Key key) {
    Partial p = partials.get(key);
    return p == null ? 0 : p.size();
  }

  byte[] only() {
    if (completed.size() != 1) throw new AssertionError("expected one completed snapshot, got " + completed.keySet());
    return completed.values().iterator().next();
  }

  @Override
  public StagedSnapshot begin(SnapshotHeader header) {
    SnapshotHeader.Key key = header.key();
    partials.keySet().removeIf(k -> k.from() == key.from() && !k.equals(key));
    Partial p = partials.computeIfAbsent(key, Partial::new);
    events.add("begin " + key.index() + " at " + p.size());
    return new StagedSnapshot() {
      @Override
      public long held() {
        return p.size();
      }

      @Override
      public void write(long offset, ByteBuffer data) throws IOException {
        if (offset + data.remaining() > gateAt) {
          blocked.set(true);
          try {
            if (!gate.await(60, TimeUnit.SECONDS)) throw new IOException("the test never released the gate");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        if (failWriteAt.isPresent() && failWriteAt.get() == offset) {
          failWriteAt = Optional.empty();
          throw new IOException("disk trouble (expected by the test)");
        }
        if (offset != p.size()) throw new AssertionError("write at " + offset + " but " + p.size() + " held");
        written.addAndGet(data.remaining());
        p.append(data);
      }

      @Override
      public byte[] complete() {
        partials.remove(key, p);
        String reference = "mem-" + references.incrementAndGet();
        completed.put(reference, p.bytes());
        events.add("complete " + key.index());
        return reference.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public void abort() {
        partials.remove(key, p);
        events.add("abort " + key.index());
      }

      @Override
      public void suspend() {
        events.add("suspend " + key.index() + " at " + p.size());
      }
    };
  }

  private static final class Partial {
    private byte[] data = new byte[0];
    private int size;

    Partial(SnapshotHeader.Key key) {}

    synchronized void append(ByteBuffer b) {
      int n = b.remaining();
      if (size + n > data.length) data = Arrays.copyOf(data, Math.max(size + n, data.length * 2));
      b.get(data, size, n);
      size += n;
    }

    synchronized int size() {
      return size;
    }

    synchronized byte[] bytes() {
      return Arrays.copyOf(data, size);
    }
  }
}
