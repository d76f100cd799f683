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
import java.util.stream.Stream;

/**
 * Not a test: does the MapDB log file stay bounded when the log is compacted as snapshots are taken?
 * Writes {@code total} entries of 256 B in batches of 100, compacting to {@code keep} entries behind
 * the end every {@code every} entries (as the node does after a snapshot), and prints the file size
 * as it goes. Run from the test classpath:
 * {@code java -cp ... io.kuorum.storage.LogGrowthMeasurement [total] [every] [keep]}.
 */
public final class LogGrowthMeasurement {

  private LogGrowthMeasurement() {}

  public static void main(String[] args) throws IOException {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    long every = args.length > 1 ? Long.parseLong(args[1]) : 10_000;
    long keep = args.length > 2 ? Long.parseLong(args[2]) : 10_000;
    Path dir = Files.createTempDirectory("kuorum-growth");
    byte[] payload = new byte[256];
    long started = System.nanoTime();
    try (MapDbLogStore store = MapDbLogStore.open(dir, new StoreIdentity("growth", 1))) {
      long next = 1;
      while (next <= total) {
        List<Entry> batch = new ArrayList<>(100);
        for (int i = 0; i < 100 && next <= total; i++) batch.add(Entry.command(next++, 1, payload));
        long last = next - 1;
        store.write(List.of(new LogWrite(Optional.of(new HardState(1, 1, last)), batch)));
        if (last % every == 0 && last > keep) store.compactPrefix(last - keep);
        if (last % (total / 10) == 0) {
          System.out.printf("%,10d entries written, log holds %,7d: file %,12d bytes (%.1f s)%n", last,
              store.lastIndex() - store.firstIndex() + 1, size(dir), (System.nanoTime() - started) / 1e9);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
