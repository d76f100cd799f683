package io.kuorum.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Snapshot bytes in memory; records where it was opened, how much was read, and whether it was closed. */
final class BytesSource implements SnapshotSource {
  final byte[] bytes;
  final List<Long> openedAt = new CopyOnWriteArrayList<>();
  final AtomicLong read = new AtomicLong();
  final AtomicBoolean closed = new AtomicBoolean();
  private final LongConsumer onRead;

  BytesSource(byte[] bytes, LongConsumer onRead) {
    this.bytes = bytes;
    this.onRead = onRead;
  }

  BytesSource(byte[] bytes) {
    this(bytes, total -> {});
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public InputStream openAt(long offset) throws IOException {
    if (closed.get()) throw new IOException("source closed");
    openedAt.add(offset);
    return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int n = super.read(b, off, len);
        if (n > 0) onRead.accept(read.addAndGet(n));
        return n;
      }
    };
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) throw new AssertionError("source closed twice");
  }
}
