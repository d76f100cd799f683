package io.kuorum.snapshot;

import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of one node, in {@code DATA/snapshots/}: files named by {@link SnapshotName}, and
 * temporary files (ending {@code .tmp}) of writes and transfers in progress. Other files are ignored.
 *
 * <p>One instance per directory (the data directory's lock keeps other processes out); its methods may
 * be called from different threads: files appear only by atomic rename, and temporary files in use are
 * tracked so retention leaves them alone. Retention may delete a snapshot that a transfer is still
 * reading; on POSIX file systems an open file stays readable after it is unlinked.
 */
public final class SnapshotDirectory {

  public static final String NAME = "snapshots";
  /** The newest and one older: a fallback if the newest is found corrupt at restart. */
  public static final int DEFAULT_KEEP = 2;

  private static final Logger log = LoggerFactory.getLogger(SnapshotDirectory.class);

  private final Path dir;
  private final TempFiles temps = new TempFiles();

  private SnapshotDirectory(Path dir) {
    this.dir = dir;
  }

  /** Opens {@code dataDir/snapshots}, creating it if needed. Reads and deletes nothing. */
  public static SnapshotDirectory open(Path dataDir) {
    Path dir = dataDir.resolve(NAME);
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new StorageException(dir, "exists and is not a directory: move it away, the node keeps its snapshots there", e);
    } catch (IOException e) {
      throw new StorageException(dir, "cannot create the snapshots directory (" + e + "): check the data directory's "
          + "permissions", e);
    }
    return new SnapshotDirectory(dir);
  }

  public Path path() {
    return dir;
  }

  /** The snapshot files present, newest first, not verified. */
  public List<SnapshotName> list() {
    List<SnapshotName> names = new ArrayList<>();
    for (Path p : entries()) SnapshotName.parse(p.getFileName().toString()).ifPresent(names::add);
    names.sort(SnapshotName.NEWEST_FIRST);
    return names;
  }

  /**
   * Verifies and returns one snapshot, e.g. the one a {@code raft.Snapshot}'s reference names.
   *
   * @throws CorruptSnapshotException if it does not verify
   * @throws StorageException if it is missing or unreadable
   */
  public SnapshotFile verify(SnapshotName name) {
    return SnapshotFile.verify(dir.resolve(name.fileName()));
  }

  /**
   * The newest snapshot that verifies, and every newer one that does not. Each file is read whole, newest
   * first, until one verifies. A corrupt file is reported (logged and returned), never touched.
   *
   * <p>Falling back to an older snapshot is only sound if the log still holds every entry after it; the
   * caller must check that against the log's compaction point, and otherwise stop the node.
   *
   * @throws StorageException if a file cannot be read at all (an I/O error is not evidence of corruption,
   *     so it stops the search rather than falling back)
   */
  public LatestSnapshot latestValid() {
    List<SnapshotProblem> skipped = new ArrayList<>();
    for (SnapshotName name : list()) {
      try {
        SnapshotFile file = verify(name);
        LatestSnapshot latest = new LatestSnapshot(Optional.of(file), skipped);
        if (!skipped.isEmpty()) log.warn("{}", latest.summary());
        return latest;
      } catch (CorruptSnapshotException e) {
        skipped.add(new SnapshotProblem(e.file(), e.reason()));
      }
    }
    LatestSnapshot none = new LatestSnapshot(Optional.empty(), skipped);
    if (!skipped.isEmpty()) log.warn("{}", none.summary());
    return none;
  }

  /**
   * Writes a snapshot: the payload is streamed from {@code payload} into a temporary file, which is
   * checksummed, fsynced and atomically renamed; returns once the snapshot is durable.
   */
  public SnapshotFile write(SnapshotMeta meta, PayloadWriter payload) {
    return SnapshotWriter.write(dir, temps, meta, payload);
  }

  /** A temporary file to receive a snapshot from the leader into; close it (try-with-resources) when done. */
  public SnapshotStaging stage() {
    return SnapshotStaging.create(dir, temps);
  }

  /** {@link #retain(int)} with {@link #DEFAULT_KEEP}. */
  public RetentionResult retain() {
    return retain(DEFAULT_KEEP);
  }

  /**
   * Keeps the newest {@code keep} snapshots that verify and deletes every snapshot older than the oldest
   * of them (superseded, so not read first), plus the temporary files of interrupted writes and
   * transfers. Corrupt snapshots newer than a kept one are left in place and reported: they are evidence,
   * and the operator decides what to do with them. With fewer than {@code keep} valid snapshots no
   * snapshot is deleted. Reads up to {@code keep} files whole (plus any corrupt newer ones).
   */
  public RetentionResult retain(int keep) {
    if (keep < 1) throw new IllegalArgumentException("keep at least one snapshot, got " + keep);
    List<SnapshotFile> kept = new ArrayList<>();
    List<SnapshotProblem> corrupt = new ArrayList<>();
    List<Path> deleted = new ArrayList<>();
    for (SnapshotName name : list()) {
      Path file = dir.resolve(name.fileName());
      if (kept.size() == keep) {
        delete(file, deleted);
        continue;
      }
      try {
        kept.add(verify(name));
      } catch (CorruptSnapshotException e) {
        corrupt.add(new SnapshotProblem(file, e.reason()));
        log.warn("{}; kept for inspection, not deleted", corrupt.get(corrupt.size() - 1));
      }
    }
    for (Path p : entries()) {
      // A temporary file not in use by this process belongs to a write or transfer that a crash or an
      // error interrupted. It was never renamed to a snapshot name, so nothing ever read or trusted it,
      // and the data it held is either in a finished snapshot or will be sent again: safe to delete.
      if (p.getFileName().toString().endsWith(SnapshotFormat.TEMP_SUFFIX) && !temps.inProgress(p)) delete(p, deleted);
    }
    return new RetentionResult(kept, deleted, corrupt);
  }

  private void delete(Path file, List<Path> deleted) {
    try {
      if (Files.deleteIfExists(file)) {
        deleted.add(file);
        log.info("deleted {}", file);
      }
    } catch (IOException e) {
      throw new StorageException(file, "cannot delete an old snapshot file (" + e + "): check the snapshots directory's "
          + "permissions", e);
    }
  }

  private List<Path> entries() {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) out.add(p);
    } catch (IOException e) {
      throw new StorageException(dir, "cannot list the snapshots directory (" + e + "): check its permissions", e);
    }
    return out;
  }
}
