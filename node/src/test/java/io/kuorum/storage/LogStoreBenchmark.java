package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Not a test: prints write throughput of {@link MapDbLogStore} for batches of 1, 10 and 100 entries of
 * 256 bytes (each write also carries a hard state, as a Ready does), and the time to open and read a
 * large log. Run from the test classpath: {@code java -cp ... io.kuorum.storage.LogStoreBenchmark [entriesToLoad]}.
 */
public final class LogStoreBenchmark {

  private static final StoreIdentity ID = new StoreIdentity("bench", 1);
  private static final byte[] PAYLOAD = new byte[256];

  private LogStoreBenchmark() {}

  public static void main(String[] args) throws IOException {
    new Random(1).nextBytes(PAYLOAD);
    long loadEntries = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path root = Files.createTempDirectory("kuorum-bench");
    try {
      writeThroughput(root.resolve("warmup"), 10, 300); // JIT warm-up, not reported
      for (int batch : new int[] {1, 10, 100}) {
        int writes = batch == 1 ? 3000 : batch == 10 ? 1500 : 500;
        double perSecond = writeThroughput(root.resolve("batch-" + batch), batch, writes);
        System.out.printf("write: batch %3d x 256 B: %8.0f entries/s (%6.0f writes/s, %d entries)%n", batch, perSecond,
            perSecond / batch, batch * writes);
      }
      loadTime(root.resolve("load"), loadEntries);
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
      }
    }
  }

  private static double writeThroughput(Path dir, int batch, int writes) {
    try (MapDbLogStore store = MapDbLogStore.open(dir, ID)) {
      long next = 1;
      long start = System.nanoTime();
      for (int w = 0; w < writes; w++) {
        next = append(store, next, batch);
      }
      return (double) batch * writes / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static long append(MapDbLogStore store, long next, int count) {
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) entries.add(Entry.command(next + i, 1, PAYLOAD));
    long last = next + count - 1;
    store.write(List.of(new LogWrite(Optional.of(new HardState(1, 1, Math.max(0, last - 100))), entries)));
    return last + 1;
  }

  private static void loadTime(Path dir, long total) throws IOException {
    long start = System.nanoTime();
    try (MapDbLogStore store = MapDbLogStore.open(dir, ID)) {
      for (long next = 1; next <= total; ) next = append(store, next, (int) Math.min(1000, total - next + 1));
    }
    System.out.printf("load: wrote %d entries in batches of 1000 in %.1f s; file %.0f MB (%.0f B/entry)%n", total,
        (System.nanoTime() - start) / 1e9, segmentBytes(dir) / 1e6, segmentBytes(dir) / (double) total);
    long open = System.nanoTime();
    try (MapDbLogStore store = MapDbLogStore.open(dir, ID)) {
      long opened = System.nanoTime();
      List<Entry> all = store.entries(store.firstIndex(), store.lastIndex());
      long read = System.nanoTime();
      System.out.printf("load: open with full verification %.2f s, entries(first, last) %.2f s for %d entries%n",
          (opened - open) / 1e9, (read - opened) / 1e9, all.size());
    }
  }

  private static long segmentBytes(Path dir) throws IOException {
    long n = 0;
    for (long seq : StoreFile.segments(dir)) n += Files.size(StoreFile.segment(dir, seq));
    return n;
  }
}
