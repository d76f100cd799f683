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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The MapDB files of a log store, one per segment ({@code kuorum-log-<seq>.mapdb}): how a segment is
 * created, opened, found and deleted, and the names and settings of its two maps. Creation is
 * all-or-nothing: a segment is built under a temporary name with all its contents, committed, closed,
 * renamed into place and the rename made durable, so a segment file that exists is always complete.
 */
final class StoreFile {

  static final String PREFIX = "kuorum-log-";
  static final String SUFFIX = ".mapdb";
  /** The single file of format 1, before the log was split into segments. */
  static final String FORMAT_1_NAME = "kuorum-log.mapdb";
  static final int FORMAT_VERSION = 2;

  private static final String CREATING_SUFFIX = ".creating";
  private static final Pattern SEGMENT = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,18})" + Pattern.quote(SUFFIX));
  private static final String LOG_MAP = "log";
  private static final String META_MAP = "meta";
  /**
   * Smaller B-tree leaves than MapDB's default 32, holding only references to the runs (values outside
   * nodes): an append rewrites a leaf of 16 record ids, not 16 runs of entries.
   */
  private static final int LOG_NODE_SIZE = 16;

  /** An open store file; {@code log} maps first index to an {@link EntryRuns} run, {@code meta} holds {@link MetaCodec} records. */
  record Opened(DB db, BTreeMap<Long, byte[]> log, BTreeMap<String, byte[]> meta) {}

  /** What a new segment starts with: the store's records as of its creation, and its first entries. */
  record Contents(StoreIdentity identity, HardState hardState, CompactionPoint compacted, SegmentTable table,
      List<Entry> entries) {}

  private StoreFile() {}

  static Path segment(Path dir, long seq) {
    return dir.resolve(String.format("%s%08d%s", PREFIX, seq, SUFFIX));
  }

  /** The sequence numbers of the segment files in {@code dir}, ascending. */
  static List<Long> segments(Path dir) {
    List<Long> seqs = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path f : files) {
        Matcher m = SEGMENT.matcher(f.getFileName().toString());
        if (m.matches()) seqs.add(Long.parseLong(m.group(1)));
      }
    } catch (IOException e) {
      throw new StorageException(dir, "cannot list the data directory (" + e + ")", e);
    }
    Collections.sort(seqs);
    return seqs;
  }

  /** Creates segment {@code file} holding {@code contents}; it must not exist yet. */
  static void create(Path file, Contents contents) {
    Path temp = file.resolveSibling(file.getFileName() + CREATING_SUFFIX);
    try {
      deleteLeftovers(temp); // a creation that crashed before its rename never held data
      DB db = maker(temp).make();
      try {
        BTreeMap<String, byte[]> meta = db.treeMap(META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).create();
        BTreeMap<Long, byte[]> log = db.treeMap(LOG_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).maxNodeSize(LOG_NODE_SIZE).valuesOutsideNodesEnable().create();
        meta.put(MetaCodec.FORMAT, MetaCodec.format(FORMAT_VERSION));
        meta.put(MetaCodec.IDENTITY, MetaCodec.identity(contents.identity()));
        meta.put(MetaCodec.HARD_STATE, MetaCodec.hardState(contents.hardState()));
        meta.put(MetaCodec.COMPACTED, MetaCodec.compaction(contents.compacted()));
        meta.put(MetaCodec.SEGMENTS, MetaCodec.segments(contents.table()));
        for (Map.Entry<Long, byte[]> run : EntryRuns.encode(contents.entries())) log.put(run.getKey(), run.getValue());
        db.commit();
      } finally {
        db.close();
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(file.getParent());
    } catch (IOException | RuntimeException e) {
      throw new StorageException(file, "cannot create a log segment (" + e + "): check that the data directory is "
          + "writable and the disk is not full", e);
    }
  }

  /** Removes the files of segments that were being created when the process stopped: they never held data. */
  static void deleteUnfinished(Path dir) {
    try {
      deleteLeftovers(dir.resolve(PREFIX + "*" + CREATING_SUFFIX));
    } catch (IOException e) {
      throw new StorageException(dir, "cannot remove an unfinished log segment (" + e + ")", e);
    }
  }

  /** Deletes a closed segment file that the log no longer uses. */
  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new StorageException(file, "cannot delete a log segment the log no longer uses (" + e + ")", e);
    }
  }

  /** Opens an existing store file; MapDB failures become a {@link StorageException} that names the file. */
  static Opened open(Path file) {
    DB db;
    try {
      db = maker(file).make();
    } catch (RuntimeException | OutOfMemoryError e) {
      throw corrupt(file, "MapDB cannot open it: " + e, e);
    }
    try {
      if (!db.exists(LOG_MAP) || !db.exists(META_MAP)) {
        throw new StorageException(file, "is not a Kuorum log store (it has no '" + LOG_MAP + "' and '" + META_MAP
            + "' maps): point --data at this member's own directory or start with an empty one");
      }
      return new Opened(db, db.treeMap(LOG_MAP, Serializer.LONG, Serializer.BYTE_ARRAY).open(),
          db.treeMap(META_MAP, Serializer.STRING, Serializer.BYTE_ARRAY).open());
    } catch (StorageException e) {
      closeQuietly(db);
      throw e;
    } catch (RuntimeException | OutOfMemoryError e) {
      closeQuietly(db);
      throw corrupt(file, "MapDB cannot read its catalog: " + e, e);
    }
  }

  /** The message for a store that cannot be trusted; the file itself is never modified on this path. */
  static CorruptStoreException corrupt(Path file, String what, Throwable cause) {
    return new CorruptStoreException(file, "the log store is corrupt or unreadable (" + what + "). The file was left "
        + "untouched. Do not start this member on it: restore its data directory from a backup, or remove the member "
        + "from the cluster and add a new one with an empty data directory", cause);
  }

  static void closeQuietly(DB db) {
    try {
      db.close();
    } catch (RuntimeException ignored) {
      // already failing; the first error is the one to report
    }
  }

  private static DBMaker.Maker maker(Path file) {
    // our DirectoryLock replaces MapDB's file lock (see there); no shutdown hook: the runtime owns close()
    return DBMaker.fileDB(file.toFile()).transactionEnable().fileLockDisable();
  }

  private static void deleteLeftovers(Path temp) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temp.getParent(), temp.getFileName() + "*")) {
      for (Path f : files) Files.delete(f); // the temporary file and its MapDB write-ahead logs
    }
  }

  static void syncDirectory(Path dir) throws IOException {
    // makes the rename durable, so a created store cannot vanish on power loss
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
