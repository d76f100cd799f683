package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable log: a {@link Journal} in front of the MapDB log ({@link MirroredLogStore}), as
 * etcd puts its WAL in front of bbolt. A write is durable once its journal record is synced, one
 * {@code fdatasync} of a preallocated file; the MapDB store catches up in checkpoints on a thread of
 * its own, thousands of entries per commit.
 *
 * <p>Why: a MapDB commit costs a new write-ahead file, two syncs and hundreds of small reads, about
 * 1 ms of mostly kernel time, and the mirrored store pays it twice. Measured on a 3-node local cluster
 * with one client, those commits kept the machine's two cores busy at under 100 writes a second.
 *
 * <p>The log's shape (bounds, terms, hard state) is kept here, so writes are checked
 * ({@link WritePlan}) without reading the store while a checkpoint writes it. On open, the store is
 * opened (a torn copy restored from the other), then the journal's epochs are folded onto it, skipping
 * what it already holds, and the journal starts afresh. Compaction and snapshot installs first bring the
 * store up to date, then change it directly. Not thread-safe: one storage thread owns it.
 */
public final class JournaledLogStore implements LogStore {

  private static final Logger log = LoggerFactory.getLogger(JournaledLogStore.class);

  private final MirroredLogStore store;
  private final Journal journal;
  private final JournalLimits limits;
  private final ExecutorService checkpointer;
  /** The checkpoint being written to the store, if any; the store is the checkpointer's until it is done. */
  private Future<?> inFlight = CompletableFuture.completedFuture(null);
  /** What the active journal epoch adds to the log: the next checkpoint. */
  private FoldedWrites pending = new FoldedWrites();
  private LogShape shape;
  private boolean closed;
  /** Set when a journal write or a checkpoint failed: what is durable is unknown, the node must restart. */
  private boolean failed;

  private JournaledLogStore(MirroredLogStore store, Journal journal, JournalLimits limits, long nodeTag) {
    this.store = store;
    this.journal = journal;
    this.limits = limits;
    this.checkpointer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kuorum-checkpoint-" + nodeTag);
      t.setDaemon(true);
      return t;
    });
    shape = LogShape.of(store);
  }

  /** Opens (or creates) the store in {@code dataDir}; see the class comment for what opening does. */
  public static JournaledLogStore open(Path dataDir, StoreIdentity expected) {
    return open(dataDir, expected, JournalLimits.DEFAULT);
  }

  static JournaledLogStore open(Path dataDir, StoreIdentity expected, JournalLimits limits) {
    MirroredLogStore store = MirroredLogStore.open(dataDir, expected);
    Journal journal = null;
    try {
      journal = Journal.open(dataDir, limits.fileBytes());
      for (Journal.Epoch epoch : journal.recover()) replay(store, epoch);
      journal.restart();
      return new JournaledLogStore(store, journal, limits, expected.memberId());
    } catch (RuntimeException | Error e) {
      if (journal != null) journal.close();
      store.close();
      throw e;
    }
  }

  private static void replay(MirroredLogStore store, Journal.Epoch epoch) {
    FoldedWrites folded = new FoldedWrites();
    epoch.plans().forEach(folded::add);
    Optional<LogWrite> missing = folded.missingFrom(store);
    if (missing.isEmpty()) return;
    try {
      store.write(List.of(missing.get()));
    } catch (IllegalArgumentException e) {
      throw new CorruptStoreException(epoch.file(), "the journal's epoch " + epoch.number() + " does not fit the log"
          + " it belongs to (" + e.getMessage() + "); restore this member from a backup or re-add it under a new id", e);
    }
    log.info("replayed journal epoch {} from {}: {} records, log now ends at {}", epoch.number(), epoch.file(),
        epoch.plans().size(), store.lastIndex());
  }

  @Override
  public StoreIdentity identity() {
    return store.identity();
  }

  @Override
  public HardState hardState() {
    checkUsable();
    return shape.hardState();
  }

  @Override
  public long firstIndex() {
    checkUsable();
    return shape.firstIndex();
  }

  @Override
  public long lastIndex() {
    checkUsable();
    return shape.lastIndex();
  }

  @Override
  public long term(long index) {
    checkUsable();
    return shape.term(index);
  }

  /** Reads from the store, once it holds everything: only done when a node starts. */
  @Override
  public List<Entry> entries(long from, long to) {
    checkUsable();
    Ranges.checkEntries(from, to, firstIndex(), shape.lastIndex());
    catchUp();
    return store.entries(from, to);
  }

  @Override
  public void write(List<LogWrite> batches) {
    checkUsable();
    if (inFlight.isDone()) awaitCheckpoint(); // reports a failed checkpoint at the next write
    WritePlan plan = WritePlan.of(this, batches);
    if (plan.isEmpty()) return;
    byte[] record = JournalRecord.encode(plan);
    if (journal.activeBytes() > 0 && journal.activeBytes() + JournalFile.padded(record.length) > limits.fileBytes()) {
      startCheckpoint(); // the active file is full: waits for the checkpoint before, if it still runs
    }
    try {
      journal.append(record);
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
    pending.add(plan);
    shape.applied(plan);
    boolean due = pending.entryCount() >= limits.checkpointEntries() || journal.activeBytes() >= limits.checkpointBytes();
    if (due && inFlight.isDone()) startCheckpoint();
  }

  @Override
  public void compactPrefix(long index) {
    checkUsable();
    catchUp();
    store.compactPrefix(index);
    shape = LogShape.of(store);
  }

  @Override
  public void continueAfterSnapshot(long index, long term) {
    checkUsable();
    catchUp();
    store.continueAfterSnapshot(index, term);
    shape = LogShape.of(store);
  }

  /**
   * Rotates the journal and has the checkpointer write the old epoch to the store; waits first for the
   * checkpoint before it, whose file the rotation reuses.
   */
  private void startCheckpoint() {
    awaitCheckpoint();
    if (pending.isEmpty()) return;
    int old;
    try {
      old = journal.rotate();
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
    LogWrite write = pending.asWrite();
    pending = new FoldedWrites();
    inFlight = checkpointer.submit(() -> {
      store.write(List.of(write));
      journal.free(old);
    });
  }

  /** Brings the store up to date with every write: afterwards the journal holds nothing the store lacks. */
  private void catchUp() {
    startCheckpoint();
    awaitCheckpoint();
  }

  /** Waits for the checkpoint in flight, if any (tests use it to copy the files while nothing writes them). */
  void awaitCheckpoint() {
    try {
      inFlight.get();
    } catch (ExecutionException e) {
      failed = true;
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      throw new IllegalStateException("checkpoint failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed = true;
      throw new IllegalStateException("interrupted while waiting for a checkpoint of the log", e);
    }
  }

  private void checkUsable() {
    if (closed) throw new IllegalStateException("the log store is closed");
    if (failed) throw new IllegalStateException("the log store failed earlier; restart the node");
  }

  /** Writes what the journal holds to the store (so the next start replays nothing), then closes. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      if (!failed) {
        startCheckpoint();
        awaitCheckpoint();
      }
    } catch (RuntimeException e) {
      log.warn("the last checkpoint before closing failed ({}); the journal keeps the writes for the next start", e.toString());
    } finally {
      checkpointer.shutdown();
      try {
        checkpointer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      journal.close();
      store.close();
    }
  }
}
