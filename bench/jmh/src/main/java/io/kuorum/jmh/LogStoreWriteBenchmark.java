package io.kuorum.jmh;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import io.kuorum.storage.JournaledLogStore;
import io.kuorum.storage.LogStore;
import io.kuorum.storage.LogWrite;
import io.kuorum.storage.StoreIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The node's log store writing one group commit: a batch of 256-byte entries and the hard state, made
 * durable (the journal record and its fdatasync; the MapDB checkpoints run on their own thread as in
 * the node). A real file in the temporary directory, so the disk's sync time is part of the number.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogStoreWriteBenchmark {

  @Param({"1", "64"})
  int batch;

  private Path dir;
  private LogStore store;
  private long next;

  @Setup(Level.Iteration)
  public void open() throws IOException {
    dir = Files.createTempDirectory("kuorum-jmh-store");
    store = JournaledLogStore.open(dir, new StoreIdentity("jmh", 1));
    next = 1;
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  @Benchmark
  public long write() {
    List<Entry> entries = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) entries.add(Entry.command(next + i, 1, new byte[256]));
    next += batch;
    store.write(List.of(new LogWrite(Optional.of(new HardState(1, 1, next - batch - 1)), entries)));
    return next;
  }
}
