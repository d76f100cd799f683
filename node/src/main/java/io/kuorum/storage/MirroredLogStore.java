package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable log: two {@link MapDbLogStore} copies written one after the other.
 *
 * <p>Why two: MapDB 3.1 does not replay its write-ahead log when it opens a file, so a process killed
 * while MapDB copies a commit into its main file leaves that file torn (seen in our SIGKILL tests; the
 * store's checks refuse it). Writing copy A to completion before copy B starts means a crash can tear
 * at most one copy, and the other holds every acknowledged write. On open, a torn or lagging copy is
 * replaced by the intact one, loudly (a warning names the file and the reason). If both copies are
 * unreadable the node refuses to start; nothing is ever repaired from a copy that failed its checks.
 */
public final class MirroredLogStore implements LogStore {

  private static final Logger log = LoggerFactory.getLogger(MirroredLogStore.class);

  static final String PRIMARY = "copy-a";
  static final String SECONDARY = "copy-b";

  private final MapDbLogStore primary;
  private final MapDbLogStore secondary;

  private MirroredLogStore(MapDbLogStore primary, MapDbLogStore secondary) {
    this.primary = primary;
    this.secondary = secondary;
  }

  /** Opens (or creates) both copies under {@code dataDir}, restoring a torn or lagging copy from the other. */
  public static MirroredLogStore open(Path dataDir, StoreIdentity expected) {
    return open(dataDir, expected, SegmentLimits.DEFAULT);
  }

  static MirroredLogStore open(Path dataDir, StoreIdentity expected, SegmentLimits limits) {
    Path dirA = dataDir.resolve(PRIMARY);
    Path dirB = dataDir.resolve(SECONDARY);
    deleteRestoreLeftovers(dirA);
    deleteRestoreLeftovers(dirB);
    boolean aExisted = hasSegments(dirA);
    boolean bExisted = hasSegments(dirB);
    Opening a = Opening.of(dirA, expected, limits);
    Opening b = Opening.of(dirB, expected, limits);
    if (a.refusal() != null || b.refusal() != null) {
      a.closeQuietly();
      b.closeQuietly();
      throw a.refusal() != null ? a.refusal() : b.refusal();
    }
    if (a.store() == null && b.store() == null) {
      a.closeQuietly();
      b.closeQuietly();
      throw new CorruptStoreException(dataDir, "both copies of the log are unusable: " + a.corruption().getMessage()
          + " | " + b.corruption().getMessage(), a.corruption());
    }
    if (a.store() == null) return restore(dirB, dirA, a.corruption().getMessage(), expected, limits, true, b, a);
    if (b.store() == null) return restore(dirA, dirB, b.corruption().getMessage(), expected, limits, false, a, b);
    if (!sameState(a.store(), b.store())) {
      if (!aExisted && bExisted) {
        // Copy A's file was missing (opening just created it empty): copy B is all there is.
        return restore(dirB, dirA, "its file was missing", expected, limits, true, a, b);
      }
      // Copy A is written first, so after a crash between the two writes it is the one ahead.
      return restore(dirA, dirB, bExisted ? "it is behind " + dirA + " (the node stopped between the two"
          + " writes of a batch)" : "its file was missing", expected, limits, false, a, b);
    }
    return new MirroredLogStore(a.store(), b.store());
  }

  /**
   * An open attempt: a store; or why this copy cannot be used (holding its directory lock if it was
   * never opened); or another refusal that must stop the node.
   */
  private record Opening(MapDbLogStore store, CorruptStoreException corruption, DirectoryLock heldLock,
      StorageException refusal) {

    static Opening of(Path dir, StoreIdentity expected, SegmentLimits limits) {
      try {
        Optional<Path> interrupted = interruptedCommit(dir);
        if (interrupted.isPresent()) {
          // Not opened with MapDB: closing it would delete the write-ahead file, the only sign of the tear.
          DirectoryLock lock = DirectoryLock.acquire(dir);
          return new Opening(null, new CorruptStoreException(interrupted.get(), "its last commit was "
              + "interrupted (MapDB left this write-ahead file behind), so its segment may be torn", null),
              lock, null);
        }
        return new Opening(MapDbLogStore.open(dir, expected, limits), null, null, null);
      } catch (CorruptStoreException e) {
        return new Opening(null, e, null, null);
      } catch (StorageException e) {
        return new Opening(null, null, null, e);
      }
    }

    void closeQuietly() {
      if (store != null) store.close();
      if (heldLock != null) heldLock.close();
    }
  }

  /**
   * MapDB keeps a write-ahead file only while a commit is in progress (written before, deleted after
   * the main file is updated); one left behind means the process died inside a commit.
   */
  private static Optional<Path> interruptedCommit(Path dir) {
    if (!Files.isDirectory(dir)) return Optional.empty();
    // segments being created have ".creating" before ".wal": they never held data and do not match
    try (DirectoryStream<Path> wal = Files.newDirectoryStream(dir, StoreFile.PREFIX + "*" + StoreFile.SUFFIX + ".wal*")) {
      for (Path p : wal) return Optional.of(p);
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException(dir, "cannot list the data directory (" + e + ")", e);
    }
  }

  private static MirroredLogStore restore(Path goodDir, Path badDir, String reason, StoreIdentity expected, SegmentLimits limits,
      boolean goodIsSecondary, Opening... opened) {
    log.warn("log copy {} cannot be used ({}); replacing it with the intact copy {}", badDir, reason, goodDir);
    for (Opening o : opened) o.closeQuietly(); // both files must be closed (and unlocked) while one is copied
    copyStore(goodDir, badDir);
    MapDbLogStore a = MapDbLogStore.open(goodIsSecondary ? badDir : goodDir, expected, limits);
    try {
      MapDbLogStore b = MapDbLogStore.open(goodIsSecondary ? goodDir : badDir, expected, limits);
      log.info("log copy {} restored: {} entries up to index {}", badDir, b.lastIndex() - b.firstIndex() + 1, b.lastIndex());
      return new MirroredLogStore(a, b);
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  private static boolean sameState(LogStore x, LogStore y) {
    return x.hardState().equals(y.hardState()) && x.firstIndex() == y.firstIndex() && x.lastIndex() == y.lastIndex()
        && x.term(x.lastIndex()) == y.term(y.lastIndex());
  }

  private static boolean hasSegments(Path dir) {
    return Files.isDirectory(dir) && !StoreFile.segments(dir).isEmpty();
  }

  /**
   * Replaces the copy in {@code to} with a synced copy of the segment files in {@code from}. The copy is
   * built in a sibling directory and swapped in by renames, so a stop part-way never leaves {@code to}
   * holding a subset of the segments (which could read as an older, valid-looking log): {@code to} is
   * either the old copy, missing (restored again on the next start), or the complete new one.
   */
  private static void copyStore(Path from, Path to) {
    Path staging = to.resolveSibling(to.getFileName() + ".restoring");
    Path discarded = to.resolveSibling(to.getFileName() + ".discarded");
    try {
      deleteTree(staging);
      deleteTree(discarded);
      Files.createDirectories(staging);
      for (long seq : StoreFile.segments(from)) {
        Path target = StoreFile.segment(staging, seq);
        Files.copy(StoreFile.segment(from, seq), target);
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      StoreFile.syncDirectory(staging);
      if (Files.exists(to)) Files.move(to, discarded, StandardCopyOption.ATOMIC_MOVE);
      Files.move(staging, to, StandardCopyOption.ATOMIC_MOVE);
      StoreFile.syncDirectory(to.getParent());
      deleteTree(discarded);
    } catch (IOException | StorageException e) {
      throw new StorageException(to, "cannot restore this log copy from " + from + " (" + e + "): check the disk"
          + " and free space, then restart", e);
    }
  }

  /** A restore cut short by a stop leaves its staging or discarded directory: neither holds the copy in use. */
  private static void deleteRestoreLeftovers(Path copy) {
    for (String suffix : List.of(".restoring", ".discarded")) {
      Path leftover = copy.resolveSibling(copy.getFileName() + suffix);
      try {
        if (Files.exists(leftover)) log.info("deleting {}, left by a restore of a log copy that a stop cut short", leftover);
        deleteTree(leftover);
      } catch (IOException e) {
        throw new StorageException(leftover, "cannot delete it (" + e + "): delete it by hand, then restart", e);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  @Override
  public StoreIdentity identity() {
    return primary.identity();
  }

  @Override
  public HardState hardState() {
    return primary.hardState();
  }

  @Override
  public long firstIndex() {
    return primary.firstIndex();
  }

  @Override
  public long lastIndex() {
    return primary.lastIndex();
  }

  @Override
  public long term(long index) {
    return primary.term(index);
  }

  @Override
  public List<Entry> entries(long from, long to) {
    return primary.entries(from, to);
  }

  /** Copy A, durably, then copy B: a crash can tear at most one of them. */
  @Override
  public void write(List<LogWrite> batches) {
    primary.write(batches);
    secondary.write(batches);
  }

  @Override
  public void compactPrefix(long index) {
    primary.compactPrefix(index);
    secondary.compactPrefix(index);
  }

  @Override
  public void continueAfterSnapshot(long index, long term) {
    primary.continueAfterSnapshot(index, term);
    secondary.continueAfterSnapshot(index, term);
  }

  @Override
  public void close() {
    try {
      primary.close();
    } finally {
      secondary.close();
    }
  }
}
