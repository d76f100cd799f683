package io.kuorum.server;

import io.kuorum.metrics.StorageMetrics;
import io.kuorum.raft.Ready;
import io.kuorum.storage.LogStore;
import io.kuorum.storage.LogWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage thread. It takes Ready batches in order and writes every batch waiting at that moment
 * with one storage commit (group commit), then reports how many batches are durable. While it
 * writes, the Raft thread keeps ticking, receiving and replicating. Log compaction after a snapshot,
 * and continuing the log after an installed one, happen here too, in order with the writes.
 */
final class StorageWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorageWriter.class);

  private final LogStore store;
  private final IntConsumer onPersisted;
  private final Consumer<Throwable> onFailure;
  private final StorageMetrics metrics;
  /** A unit of storage work, in the order the Raft thread asked for it. */
  private sealed interface Task {
    record Write(Ready ready) implements Task {}

    /** Drop the log prefix a durable snapshot now covers. */
    record Compact(long index) implements Task {}
  }

  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  StorageWriter(long nodeId, LogStore store, IntConsumer onPersisted, Consumer<Throwable> onFailure, StorageMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    this.onPersisted = onPersisted;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "kuorum-storage-" + nodeId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  void submit(Ready ready) {
    queue.add(new Task.Write(ready));
  }

  /** Compacts the stored log up to {@code index} once everything submitted before is written. */
  void compact(long index) {
    queue.add(new Task.Compact(index));
  }

  private void run() {
    List<Task> batch = new ArrayList<>();
    try {
      while (running || !queue.isEmpty()) {
        Task first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.clear();
        batch.add(first);
        queue.drainTo(batch);
        perform(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("storage write failed; the node stops to protect its data", e);
      onFailure.accept(e);
    }
  }

  /**
   * Group commit: consecutive writes become one storage commit. A compaction, or a Ready that installs
   * a snapshot, is its own transaction, so the writes before it are committed first.
   */
  private void perform(List<Task> batch) {
    List<LogWrite> writes = new ArrayList<>(batch.size());
    int readies = 0;
    for (Task t : batch) {
      if (t instanceof Task.Compact c) {
        readies = flush(writes, readies);
        store.compactPrefix(c.index());
      } else {
        Ready r = ((Task.Write) t).ready();
        if (r.snapshot().isPresent()) {
          readies = flush(writes, readies);
          store.continueAfterSnapshot(r.snapshot().get().index(), r.snapshot().get().term());
        }
        LogWrite w = new LogWrite(r.hardState(), r.entries());
        if (!w.isEmpty()) writes.add(w);
        readies++;
      }
    }
    flush(writes, readies);
  }

  /** Commits the pending writes and reports that many Ready batches durable; returns 0. */
  private int flush(List<LogWrite> writes, int readies) {
    if (!writes.isEmpty()) {
      int entries = 0;
      for (LogWrite w : writes) entries += w.entries().size();
      long start = System.nanoTime();
      store.write(List.copyOf(writes));
      metrics.committed(System.nanoTime() - start, entries);
    }
    writes.clear();
    if (readies > 0) onPersisted.accept(readies);
    return 0;
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
