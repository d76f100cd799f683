package io.kuorum.server;

import io.kuorum.kv.KvStateMachine;
import io.kuorum.raft.Entry;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.Snapshot;
import io.kuorum.snapshot.LatestSnapshot;
import io.kuorum.snapshot.RetentionResult;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.snapshot.SnapshotMeta;
import io.kuorum.snapshot.SnapshotName;
import io.kuorum.storage.LogStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's snapshots (§7): restoring the newest valid one at start, taking new ones when the policy
 * says so (the state is copied on the Raft thread in a short pause and written on a background
 * thread), and loading one installed from the leader. A core {@link Snapshot}'s data is the snapshot
 * file's name in {@link SnapshotDirectory}, never the state itself.
 */
final class LocalSnapshots implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalSnapshots.class);

  /** What a restart recovers: the snapshot for the core (if any) and the log entries after it. */
  record Restored(Optional<Snapshot> snapshot, List<Entry> log) {}

  private final long nodeId;
  private final SnapshotDirectory directory;
  private final SnapshotPolicy policy;
  private final ExecutorService writer;
  private long entriesSince;
  private long bytesSince;
  private boolean inProgress;

  LocalSnapshots(long nodeId, SnapshotDirectory directory, SnapshotPolicy policy) {
    this.nodeId = nodeId;
    this.directory = directory;
    this.policy = policy;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kuorum-snapshot-" + nodeId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads the newest valid snapshot into {@code stateMachine} and lines the stored log up behind it. A
   * corrupt newer snapshot is reported and skipped; a log compacted past the snapshot found stops the
   * node, since the entries in between are gone.
   */
  Restored restore(LogStore store, KvStateMachine stateMachine) {
    LatestSnapshot latest = directory.latestValid();
    if (!latest.skipped().isEmpty()) log.warn("node {}: {}", nodeId, latest.summary());
    long compactedTo = store.firstIndex() - 1;
    if (latest.snapshot().isEmpty()) {
      if (compactedTo > 0) {
        throw new StartupException("the log in " + directory.path().getParent() + " is compacted up to index " + compactedTo
            + " but no valid snapshot covers it (" + latest.summary() + "): restore the snapshots directory from a backup,"
            + " or remove this member's data and add it again under a new id");
      }
      return new Restored(Optional.empty(), store.entries(store.firstIndex(), store.lastIndex()));
    }
    SnapshotFile file = latest.snapshot().get();
    SnapshotMeta meta = file.meta();
    if (compactedTo > meta.index()) {
      throw new StartupException("the log in " + directory.path().getParent() + " is compacted up to index " + compactedTo
          + " but the newest valid snapshot ends at " + meta.index() + " (" + latest.summary() + "): the entries in between"
          + " are lost; restore the newer snapshot from a backup, or remove this member's data and add it again under a new id");
    }
    file.readPayload(stateMachine::restore);
    // A crash may have come between writing the snapshot and compacting (or continuing) the log.
    store.continueAfterSnapshot(meta.index(), meta.term());
    log.info("node {} restored snapshot {} (index {}, term {}, {} bytes)", nodeId, file.path().getFileName(), meta.index(),
        meta.term(), file.size());
    List<Entry> rest = store.entries(store.firstIndex(), store.lastIndex());
    return new Restored(Optional.of(SnapshotReference.toCore(meta)), rest);
  }

  /** Counts an applied entry towards the policy's thresholds. */
  void applied(Entry e) {
    entriesSince++;
    bytesSince += e.sizeBytes();
  }

  /**
   * Takes a snapshot if one is due and possible: copies the state now (Raft thread), writes the file in
   * the background, then hands {@code compact} the durable snapshot back on the Raft thread through
   * {@code post}, with the index up to which the stored log may go.
   */
  void maybeTake(RaftCore core, KvStateMachine stateMachine, Consumer<Runnable> post, Compaction compact) {
    if (inProgress || !policy.enabled() || !policy.due(entriesSince, bytesSince)) return;
    if (core.compactableIndex() < stateMachine.appliedIndex()) return; // the state is ahead of this node's durable log
    // A leader's snapshot newer than this state is being installed: nothing here to keep.
    if (stateMachine.appliedIndex() <= core.firstIndex() - 1) return;
    KvStateMachine.StateCopy copy = stateMachine.copyForSnapshot();
    Snapshot described = core.snapshotAt(copy.appliedIndex(), new byte[0]);
    SnapshotMeta meta = new SnapshotMeta(described.index(), described.term(), described.configuration());
    Snapshot snapshot = SnapshotReference.toCore(meta);
    inProgress = true;
    entriesSince = 0;
    bytesSince = 0;
    long started = System.nanoTime();
    writer.execute(() -> {
      try {
        SnapshotFile file = directory.write(meta, copy::writeTo);
        RetentionResult kept = directory.retain(policy.keep());
        // The stored log keeps the entries after the oldest kept snapshot, so a restart can still fall
        // back to it if the newest one turns out corrupt.
        // Never past this snapshot: files received from a leader may be newer than the stored log.
        long storeTo = Math.min(meta.index(), kept.kept().stream().mapToLong(f -> f.meta().index()).min().orElse(meta.index()));
        log.info("node {} took snapshot {} at index {} ({} keys, {} bytes) in {} ms", nodeId, file.path().getFileName(),
            meta.index(), copy.size(), file.size(), (System.nanoTime() - started) / 1_000_000);
        post.accept(() -> {
          inProgress = false;
          compact.durable(snapshot, storeTo);
        });
      } catch (RuntimeException | Error e) {
        log.warn("node {} could not write a snapshot at index {} ({}); the log keeps growing until a later one works",
            nodeId, meta.index(), e.toString());
        post.accept(() -> inProgress = false);
      }
    });
  }

  /** Loads a leader's snapshot, already installed in the snapshot directory, into the state machine. */
  void load(Snapshot snapshot, KvStateMachine stateMachine) {
    SnapshotName name = SnapshotReference.nameOf(snapshot);
    directory.verify(name).readPayload(stateMachine::restore);
    if (stateMachine.appliedIndex() != snapshot.index()) {
      throw new IllegalStateException("snapshot " + name.fileName() + " holds the state after index "
          + stateMachine.appliedIndex() + ", not " + snapshot.index() + ": the file does not match its name");
    }
    entriesSince = 0;
    bytesSince = 0;
    // Retention runs with the next snapshot this node takes, on the snapshot thread.
    log.info("node {} loaded the leader's snapshot {} (index {})", nodeId, name.fileName(), snapshot.index());
  }

  SnapshotDirectory directory() {
    return directory;
  }

  /** What the runtime does once a snapshot is durable. */
  interface Compaction {
    /** {@code snapshot} is on disk: compact the core's log to it, and the stored log up to {@code storeTo}. */
    void durable(Snapshot snapshot, long storeTo);
  }

  @Override
  public void close() {
    writer.shutdownNow();
  }
}
