package io.kuorum.server;

import io.kuorum.kv.KvStateMachine;
import io.kuorum.metrics.SnapshotMetrics;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
  private final SnapshotMetrics metrics;
  private long entriesSince;
  private long bytesSince;
  private boolean inProgress;
  /** Backups waiting for a snapshot (Raft thread only). */
  private final List<BackupRequest> backups = new ArrayList<>();
  /** Every backup not answered yet, wherever it waits: failed on close so that no call hangs. */
  private final Set<CompletableFuture<HeldSnapshot>> pending = ConcurrentHashMap.newKeySet();

  private record BackupRequest(CompletableFuture<HeldSnapshot> answer, long deadlineNanos) {}

  LocalSnapshots(long nodeId, SnapshotDirectory directory, SnapshotPolicy policy, SnapshotMetrics metrics) {
    this.nodeId = nodeId;
    this.metrics = metrics;
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
    if (!canTake(core, stateMachine)) return;
    take(core, stateMachine, post, compact, List.of());
  }

  /** Whether the state can be snapshotted now: it is durable in this node's log and not being replaced. */
  private static boolean canTake(RaftCore core, KvStateMachine stateMachine) {
    if (core.compactableIndex() < stateMachine.appliedIndex()) return false; // the state is ahead of this node's durable log
    // A leader's snapshot newer than this state is being installed: nothing here to keep.
    return stateMachine.appliedIndex() > core.firstIndex() - 1;
  }

  private void take(RaftCore core, KvStateMachine stateMachine, Consumer<Runnable> post, Compaction compact,
      List<CompletableFuture<HeldSnapshot>> waiting) {
    long started = System.nanoTime();
    KvStateMachine.StateCopy copy = stateMachine.copyForSnapshot();
    Snapshot described = core.snapshotAt(copy.appliedIndex(), new byte[0]);
    SnapshotMeta meta = new SnapshotMeta(described.index(), described.term(), described.configuration());
    Snapshot snapshot = SnapshotReference.toCore(meta);
    inProgress = true;
    entriesSince = 0;
    bytesSince = 0;
    writer.execute(() -> {
      try {
        SnapshotFile file = directory.write(meta, copy::writeTo);
        metrics.taken(System.nanoTime() - started);
        // Opened before retention runs, so the backups hold the file even if a later pass deletes it.
        hand(file, waiting);
        RetentionResult kept = directory.retain(policy.keep());
        // The stored log keeps the entries after the oldest kept snapshot, so a restart can still fall
        // back to it if the newest one turns out corrupt.
        // Never past this snapshot: files received from a leader may be newer than the stored log.
        long storeTo = Math.min(meta.index(), kept.kept().stream().mapToLong(f -> f.meta().index()).min().orElse(meta.index()));
        log.info("node {} took snapshot {} at index {} ({} keys, {} bytes) in {} ms{}", nodeId, file.path().getFileName(),
            meta.index(), copy.size(), file.size(), (System.nanoTime() - started) / 1_000_000,
            waiting.isEmpty() ? "" : " for " + waiting.size() + " backup(s)");
        post.accept(() -> {
          inProgress = false;
          compact.durable(snapshot, storeTo);
          serveBackups(core, stateMachine, post, compact);
        });
      } catch (RuntimeException | Error e) {
        log.warn("node {} could not write a snapshot at index {} ({}); the log keeps growing until a later one works",
            nodeId, meta.index(), e.toString());
        waiting.forEach(b -> b.completeExceptionally(e));
        post.accept(() -> {
          inProgress = false;
          serveBackups(core, stateMachine, post, compact);
        });
      }
    });
  }

  /**
   * Asks for a snapshot of the state as it is now, for a backup; {@code answer} gets the file, held
   * open, once it is durable. The caller has made sure the state holds what the backup must hold (the
   * runtime commits a barrier entry first); {@link #serveBackups} takes the snapshot as soon as it can.
   */
  void requestBackup(CompletableFuture<HeldSnapshot> answer, long deadlineNanos) {
    backups.add(new BackupRequest(answer, deadlineNanos));
    pending.add(answer);
    answer.whenComplete((held, failure) -> pending.remove(answer));
  }

  /**
   * Serves the waiting backups if a snapshot can be had now: the one already on disk when it covers
   * exactly the applied state, else a fresh one. Otherwise (a snapshot being written, the state not yet
   * durable) they wait: this runs again when that snapshot is done and after every Ready.
   */
  void serveBackups(RaftCore core, KvStateMachine stateMachine, Consumer<Runnable> post, Compaction compact) {
    backups.removeIf(b -> b.answer().isDone());
    if (backups.isEmpty() || inProgress) return;
    long applied = stateMachine.appliedIndex();
    if (core.compactableIndex() < applied) return;
    List<CompletableFuture<HeldSnapshot>> waiting = backups.stream().map(BackupRequest::answer).toList();
    Optional<Snapshot> latest = core.snapshot();
    if (latest.isPresent() && latest.get().index() == applied) {
      backups.clear();
      SnapshotName name = SnapshotReference.nameOf(latest.get());
      // Verified on the snapshot thread, where retention runs: it cannot delete the file before it is held.
      writer.execute(() -> {
        try {
          hand(directory.verify(name), waiting);
        } catch (RuntimeException e) {
          waiting.forEach(b -> b.completeExceptionally(e));
        }
      });
      return;
    }
    if (!canTake(core, stateMachine)) return;
    backups.clear();
    take(core, stateMachine, post, compact, waiting);
  }

  /** Fails the backups whose deadline passed before a snapshot could be taken. */
  void expireBackups(long nowNanos) {
    backups.removeIf(b -> {
      if (nowNanos - b.deadlineNanos() <= 0) return false;
      b.answer().completeExceptionally(new ProposalException(ProposalException.Kind.OUTCOME_UNKNOWN,
          "node " + nodeId + " could not take a snapshot for the backup before the deadline; retry with a longer timeout"));
      return true;
    });
  }

  /** Gives each backup its own open handle on {@code file}; a backup already given up on gets none. */
  private static void hand(SnapshotFile file, List<CompletableFuture<HeldSnapshot>> backups) {
    for (CompletableFuture<HeldSnapshot> answer : backups) {
      if (answer.isDone()) continue;
      HeldSnapshot held;
      try {
        held = HeldSnapshot.open(file);
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
        continue;
      }
      if (!answer.complete(held)) held.close();
    }
  }

  /** Loads a leader's snapshot, already installed in the snapshot directory, into the state machine. */
  void load(Snapshot snapshot, KvStateMachine stateMachine) {
    SnapshotName name = SnapshotReference.nameOf(snapshot);
    long started = System.nanoTime();
    directory.verify(name).readPayload(stateMachine::restore);
    metrics.installed(System.nanoTime() - started);
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
    for (CompletableFuture<HeldSnapshot> answer : List.copyOf(pending)) {
      answer.completeExceptionally(new ProposalException(ProposalException.Kind.SHUTTING_DOWN,
          "node " + nodeId + " stopped before the backup's snapshot was ready; retry at the new leader"));
    }
  }
}
