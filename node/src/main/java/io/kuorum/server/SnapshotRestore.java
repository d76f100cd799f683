package io.kuorum.server;

import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.HardState;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.snapshot.SnapshotMeta;
import io.kuorum.storage.LogStore;
import io.kuorum.storage.LogWrite;
import io.kuorum.storage.JournaledLogStore;
import io.kuorum.storage.StoreIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Seeds the data directory of one member of a NEW cluster from a backup (a snapshot file saved by
 * {@code kuorumctl snapshot save}), offline. What is written is exactly what a node finds when it
 * restarts after having taken a snapshot and compacted its log, so {@code kuorum server} starts it
 * through its ordinary restart path:
 *
 * <ul>
 *   <li>{@code DATA/snapshots/}: the backup's state at its index and term, but with the configuration
 *       replaced by the new voters (their addresses in the entry's context, as every configuration entry
 *       carries them), so no old member id or address carries over;
 *   <li>the log store, under the new cluster id and member id: empty, continuing after the snapshot's
 *       index, with hard state (term = the snapshot's term, no vote, commit = its index), so the first
 *       election is for a later term and no entry the snapshot covers is ever asked for;
 *   <li>{@code DATA/member-id}, last, as {@code kuorum server} writes it only once the store accepted the id.
 * </ul>
 *
 * Every member of the new cluster is restored from the same file with the same {@code --members} and
 * cluster id, and only its {@code --id} and data directory differ; they then elect a leader among
 * themselves. The old cluster's id is nowhere in a snapshot file, so it cannot carry over either.
 */
final class SnapshotRestore {

  /** A data directory holding only this is still empty (ext4 volumes come with it). */
  private static final String LOST_AND_FOUND = "lost+found";

  /** What a restore did. */
  record Result(Path backup, SnapshotMeta original, Path dataDir, long memberId, String clusterId, List<Member> members,
      long keys, long bytes, Path snapshot) {}

  private SnapshotRestore() {}

  /**
   * Restores {@code backup} into {@code dataDir} as member {@code id} of the cluster {@code clusterId}
   * whose voters are {@code members}.
   *
   * @throws IllegalArgumentException for bad arguments: {@code id} not among {@code members}, a blank
   *     cluster id, a missing backup file, a data directory that is not empty
   * @throws io.kuorum.storage.StorageException if the backup does not verify (a
   *     {@link io.kuorum.snapshot.CorruptSnapshotException} naming the file) or the directory cannot be written
   */
  static Result restore(Path backup, Path dataDir, long id, List<Member> members, String clusterId) {
    if (members.isEmpty()) throw new IllegalArgumentException("--members is empty: name every voter of the new cluster");
    Member self = members.stream().filter(m -> m.id() == id).findFirst().orElseThrow(() -> new IllegalArgumentException(
        "--id " + id + " is not among --members " + ids(members) + ": every restored member is one of the new voters"));
    new StoreIdentity(clusterId, self.id()); // checks the cluster id before anything is read or written
    if (!Files.exists(backup)) throw new IllegalArgumentException("the backup file " + backup + " does not exist");
    if (!Files.isRegularFile(backup)) throw new IllegalArgumentException("the backup " + backup + " is not a regular file");
    SnapshotFile source = SnapshotFile.verify(backup);
    long keys = check(source);
    refuseUsed(dataDir);

    SnapshotMeta original = source.meta();
    ConfigurationEntry configuration = new ConfigurationEntry(
        Configuration.of(members.stream().map(Member::id).collect(Collectors.toSet())), MemberDirectory.of(members).encode());
    SnapshotMeta seeded = new SnapshotMeta(original.index(), original.term(), configuration);
    boolean created = !Files.exists(dataDir);
    boolean done = false;
    try {
      Files.createDirectories(dataDir);
      SnapshotFile written = SnapshotDirectory.open(dataDir).write(seeded, out -> {
        // Re-checked as it streams: a backup that changed since it was verified fails here.
        try (InputStream payload = source.openPayload()) {
          payload.transferTo(out);
        }
      });
      try (LogStore store = JournaledLogStore.open(dataDir, new StoreIdentity(clusterId, id))) {
        store.continueAfterSnapshot(original.index(), original.term());
        store.write(List.of(new LogWrite(Optional.of(new HardState(original.term(), HardState.NONE, original.index())),
            List.of())));
      }
      MemberId.persist(dataDir, id);
      done = true;
      return new Result(backup, original, dataDir, id, clusterId, List.copyOf(members), keys, written.size(),
          written.path());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir + " (" + e.getMessage() + ")", e);
    } finally {
      // A half-seeded directory would be refused by the next attempt: leave it as it was found.
      if (!done) clear(dataDir, created);
    }
  }

  /**
   * Loads the payload the way a starting node will, so a backup that cannot start a node is refused
   * now rather than by every new member; returns its number of keys.
   */
  private static long check(SnapshotFile source) {
    KvStateMachine state = new KvStateMachine(KvLimits.DEFAULT);
    source.readPayload(state::restore);
    if (state.appliedIndex() != source.meta().index()) {
      throw new io.kuorum.snapshot.CorruptSnapshotException(source.path(), "its state is at index " + state.appliedIndex()
          + " but its header says " + source.meta().index());
    }
    return state.copyForSnapshot().size();
  }

  private static void refuseUsed(Path dataDir) {
    if (!Files.exists(dataDir)) return;
    if (!Files.isDirectory(dataDir)) throw new IllegalArgumentException("--data " + dataDir + " exists and is not a directory");
    List<String> entries = entries(dataDir);
    if (entries.isEmpty()) return;
    boolean kuorum = entries.stream().anyMatch(e -> e.equals(MemberId.FILE) || e.equals(SnapshotDirectory.NAME)
        || e.startsWith("copy-"));
    throw new IllegalArgumentException("--data " + dataDir + (kuorum ? " already holds Kuorum data" : " is not empty")
        + " (" + String.join(", ", entries) + "): a restore seeds a new member and never overwrites data; choose a new"
        + " directory, or remove this one if its data is no longer needed");
  }

  private static List<String> entries(Path dir) {
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = String.valueOf(p.getFileName());
        if (!name.equals(LOST_AND_FOUND)) names.add(name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list --data " + dir + " (" + e.getMessage() + ")", e);
    }
    return new ArrayList<>(names);
  }

  /** Deletes what a failed restore wrote; the directory was empty (or absent) before. */
  private static void clear(Path dataDir, boolean created) {
    if (!Files.isDirectory(dataDir)) return;
    try (Stream<Path> walk = Files.walk(dataDir)) {
      walk.sorted(Comparator.reverseOrder())
          .filter(p -> !p.equals(dataDir) || created)
          .filter(p -> !p.startsWith(dataDir.resolve(LOST_AND_FOUND)))
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException ignored) {
              // best effort; the error that stopped the restore is the one reported
            }
          });
    } catch (IOException | UncheckedIOException ignored) {
      // as above
    }
  }

  private static String ids(List<Member> members) {
    return members.stream().map(m -> Long.toString(m.id())).collect(Collectors.joining(",", "[", "]"));
  }
}
