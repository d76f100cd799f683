package io.kuorum.server;

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
 * writes, the Raft thread keeps ticking, receiving and replicating.
 */
final class StorageWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorageWriter.class);

  private final LogStore store;
  private final IntConsumer onPersisted;
  private final Consumer<Throwable> onFailure;
  private final LinkedBlockingQueue<Ready> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  StorageWriter(long nodeId, LogStore store, IntConsumer onPersisted, Consumer<Throwable> onFailure) {
    this.store = store;
    this.onPersisted = onPersisted;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "kuorum-storage-" + nodeId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  void submit(Ready ready) {
    queue.add(ready);
  }

  private void run() {
    List<Ready> batch = new ArrayList<>();
    try {
      while (running || !queue.isEmpty()) {
        Ready first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.clear();
        batch.add(first);
        queue.drainTo(batch);
        List<LogWrite> writes = new ArrayList<>(batch.size());
        for (Ready r : batch) {
          if (r.mustPersist()) writes.add(new LogWrite(r.hardState(), r.entries()));
        }
        if (!writes.isEmpty()) store.write(writes);
        onPersisted.accept(batch.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("storage write failed; the node stops to protect its data", e);
      onFailure.accept(e);
    }
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
