package io.kuorum.storage;

import io.kuorum.raft.Entry;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * How a segment stores entries: consecutive entries written together form one MapDB record, a run,
 * keyed by its first index and holding each entry's {@link EntryCodec} bytes behind a 4-byte length.
 * Why: MapDB's cost is per record (about 90 µs of a commit per extra record, measured with
 * {@code LogStoreBenchmark}), so a Ready batch of 100 entries written as 100 records cost 10 ms; as one
 * run, stored outside the B-tree's nodes so that adding one rewrites a small node, it costs 2 ms
 * (52,000 entries/s instead of 9,300). Runs are capped so that reading one entry never decodes much
 * more than it needs.
 */
final class EntryRuns {

  static final int MAX_ENTRIES = 256;
  static final int MAX_BYTES = 1 << 20;

  private EntryRuns() {}

  /** {@code entries} (consecutive) as runs, each as (first index, record). */
  static List<Map.Entry<Long, byte[]>> encode(List<Entry> entries) {
    List<Map.Entry<Long, byte[]>> runs = new ArrayList<>();
    int from = 0;
    while (from < entries.size()) {
      List<byte[]> encoded = new ArrayList<>();
      int bytes = 0;
      int to = from;
      while (to < entries.size() && encoded.size() < MAX_ENTRIES && (encoded.isEmpty() || bytes < MAX_BYTES)) {
        byte[] e = EntryCodec.encode(entries.get(to++));
        encoded.add(e);
        bytes += Integer.BYTES + e.length;
      }
      ByteBuffer run = ByteBuffer.allocate(bytes);
      for (byte[] e : encoded) run.putInt(e.length).put(e);
      runs.add(new AbstractMap.SimpleImmutableEntry<>(entries.get(from).index(), run.array()));
      from = to;
    }
    return runs;
  }

  /** The stored bytes of each entry in {@code run}, in order. */
  static List<byte[]> split(long first, byte[] run) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(run);
    while (b.hasRemaining()) {
      if (b.remaining() < Integer.BYTES) throw malformed(first, out.size());
      int length = b.getInt();
      if (length <= 0 || length > b.remaining()) throw malformed(first, out.size());
      byte[] e = new byte[length];
      b.get(e);
      out.add(e);
    }
    return out;
  }

  /** The first {@code count} entries of {@code run}, as a run. */
  static byte[] prefix(long first, byte[] run, int count) {
    ByteBuffer b = ByteBuffer.wrap(run);
    for (int i = 0; i < count; i++) {
      if (b.remaining() < Integer.BYTES) throw malformed(first, i);
      int length = b.getInt();
      if (length <= 0 || length > b.remaining()) throw malformed(first, i);
      b.position(b.position() + length);
    }
    byte[] out = new byte[b.position()];
    System.arraycopy(run, 0, out, 0, out.length);
    return out;
  }

  private static CorruptRecordException malformed(long first, int at) {
    return new CorruptRecordException("the run of entries from " + first + " is malformed at entry " + (first + at));
  }

  /**
   * The stored entries with indexes in [lo, hi], one (index, bytes) pair each, from an iterator over
   * runs in index order that starts at the run holding {@code lo} (or any run before it).
   */
  static Iterator<Map.Entry<Long, byte[]>> entries(Iterator<Map.Entry<Long, byte[]>> runs, long lo, long hi) {
    return new Iterator<>() {
      private final List<Map.Entry<Long, byte[]>> ready = new ArrayList<>();
      private int at;

      @Override
      public boolean hasNext() {
        while (at == ready.size() && runs.hasNext()) fill(runs.next());
        return at < ready.size();
      }

      private void fill(Map.Entry<Long, byte[]> run) {
        ready.clear();
        at = 0;
        long index = run.getKey();
        for (byte[] e : split(index, run.getValue())) {
          if (index >= lo && index <= hi) ready.add(new AbstractMap.SimpleImmutableEntry<>(index, e));
          index++;
        }
      }

      @Override
      public Map.Entry<Long, byte[]> next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.get(at++);
      }
    };
  }
}
