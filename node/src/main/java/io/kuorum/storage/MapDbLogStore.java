package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mapdb.BTreeMap;
import org.mapdb.DB;

/**
 * The durable {@link LogStore}: one MapDB file with write-ahead-log transactions in the node's data
 * directory. Entries live in a B-tree keyed by index (values in {@link EntryCodec} form, each with its
 * own checksum); identity, format version, hard state and compaction point live in a small second map.
 * Every {@link #write} and {@link #compactPrefix} is exactly one MapDB commit.
 *
 * <p>Opening verifies the whole file (see {@link LogScan}) and refuses, with a {@link StorageException}
 * naming the file, anything it cannot trust; it never repairs or truncates. First/last index, hard state
 * and terms are kept in memory; entries are read from MapDB. Not thread-safe: one storage thread owns it.
 */
public final class MapDbLogStore implements LogStore {

  private final Path file;
  private final DirectoryLock lock;
  private final DB db;
  private final BTreeMap<Long, byte[]> log;
  private final BTreeMap<String, byte[]> meta;
  private final StoreIdentity identity;
  private final TermRuns terms;
  private HardState hardState;
  private CompactionPoint compacted;
  private long lastIndex;
  private boolean closed;
  /** Set when a commit or read failed: MapDB's state is then unknown and the node must restart. */
  private boolean failed;

  private MapDbLogStore(Path file, DirectoryLock lock, StoreFile.Opened opened, StoreIdentity identity,
      HardState hardState, CompactionPoint compacted, LogScan.Result scan) {
    this.file = file;
    this.lock = lock;
    this.db = opened.db();
    this.log = opened.log();
    this.meta = opened.meta();
    this.identity = identity;
    this.hardState = hardState;
    this.compacted = compacted;
    this.lastIndex = scan.lastIndex();
    this.terms = scan.terms();
  }

  /**
   * Opens the store in {@code dataDir}, creating the directory and an empty store if there is none. The
   * store must belong to {@code expected}; see the class comment for what else is refused.
   */
  public static MapDbLogStore open(Path dataDir, StoreIdentity expected) {
    Path dir = dataDir.toAbsolutePath().normalize();
    DirectoryLock lock = DirectoryLock.acquire(dir);
    try {
      Path file = dir.resolve(StoreFile.NAME);
      if (!Files.exists(file)) StoreFile.create(file, expected);
      StoreFile.Opened opened = StoreFile.open(file);
      try {
        return load(file, lock, opened, expected);
      } catch (RuntimeException | Error e) {
        StoreFile.closeQuietly(opened.db());
        throw e;
      }
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  private static MapDbLogStore load(Path file, DirectoryLock lock, StoreFile.Opened opened, StoreIdentity expected) {
    try {
      int format = MetaCodec.format(required(opened, MetaCodec.FORMAT));
      if (format != StoreFile.FORMAT_VERSION) {
        throw new StorageException(file, "data format version " + format + " is not supported by this build (it reads "
            + "version " + StoreFile.FORMAT_VERSION + "): run the Kuorum version that wrote it, or start with an empty "
            + "data directory");
      }
      StoreIdentity found = MetaCodec.identity(required(opened, MetaCodec.IDENTITY));
      if (!found.equals(expected)) {
        throw new StorageException(file, "data directory belongs to cluster " + found.clusterId() + " member "
            + found.memberId() + ", this node is cluster " + expected.clusterId() + " member " + expected.memberId()
            + ": point --data at this member's own directory or start with an empty one");
      }
      HardState hs = MetaCodec.hardState(required(opened, MetaCodec.HARD_STATE));
      CompactionPoint compacted = MetaCodec.compaction(required(opened, MetaCodec.COMPACTED));
      LogScan.Result scan = LogScan.verify(opened.log().entryIterator(), compacted, hs);
      return new MapDbLogStore(file, lock, opened, found, hs, compacted, scan);
    } catch (CorruptRecordException e) {
      throw StoreFile.corrupt(file, e.getMessage(), e);
    } catch (StorageException e) {
      throw e;
    } catch (RuntimeException | OutOfMemoryError e) {
      // a damaged B-tree node can surface as any MapDB or JDK exception, or as a huge bogus allocation
      throw StoreFile.corrupt(file, "MapDB cannot read it: " + e, e);
    }
  }

  private static byte[] required(StoreFile.Opened opened, String key) {
    byte[] value = opened.meta().get(key);
    if (value == null) throw new CorruptRecordException("the '" + key + "' record is missing");
    return value;
  }

  @Override
  public StoreIdentity identity() {
    return identity;
  }

  @Override
  public HardState hardState() {
    checkUsable();
    return hardState;
  }

  @Override
  public long firstIndex() {
    checkUsable();
    return compacted.index() + 1;
  }

  @Override
  public long lastIndex() {
    checkUsable();
    return lastIndex;
  }

  @Override
  public long term(long index) {
    checkUsable();
    if (index == compacted.index()) return compacted.term();
    Ranges.checkTerm(index, firstIndex(), lastIndex);
    return terms.term(index);
  }

  @Override
  public List<Entry> entries(long from, long to) {
    checkUsable();
    Ranges.checkEntries(from, to, firstIndex(), lastIndex);
    if (from > to) return List.of();
    List<Entry> out = new ArrayList<>((int) Math.min(to - from + 1, Integer.MAX_VALUE - 8));
    try {
      Iterator<Map.Entry<Long, byte[]>> it = log.entryIterator(from, true, to, true);
      long expected = from;
      while (it.hasNext()) {
        Map.Entry<Long, byte[]> stored = it.next();
        if (stored.getKey() != expected) throw new CorruptRecordException("entry " + expected + " is missing");
        out.add(EntryCodec.decode(expected, stored.getValue()));
        expected++;
      }
      if (expected != to + 1) throw new CorruptRecordException("entries " + expected + " to " + to + " are missing");
    } catch (CorruptRecordException e) {
      throw fail(StoreFile.corrupt(file, e.getMessage(), e));
    } catch (RuntimeException | OutOfMemoryError e) {
      throw fail(StoreFile.corrupt(file, "MapDB cannot read entries " + from + " to " + to + ": " + e, e));
    }
    return out;
  }

  @Override
  public void write(List<LogWrite> batches) {
    checkUsable();
    WritePlan plan = WritePlan.of(this, batches);
    if (plan.isEmpty()) return;
    try {
      for (long i = lastIndex; i >= plan.replaceFrom(); i--) log.remove(i);
      for (Entry e : plan.append()) log.put(e.index(), EntryCodec.encode(e));
      plan.hardState().ifPresent(hs -> meta.put(MetaCodec.HARD_STATE, MetaCodec.hardState(hs)));
      db.commit(); // the one durability point of this call: group commit
    } catch (RuntimeException e) {
      throw fail(new StorageException(file, "writing the log failed (" + e + "); the write may or may not be durable, "
          + "so the node must stop and restart", e));
    }
    terms.truncateFrom(plan.replaceFrom());
    for (Entry e : plan.append()) terms.append(e.index(), e.term());
    lastIndex = plan.replaceFrom() + plan.append().size() - 1;
    hardState = plan.hardState().orElse(hardState);
  }

  @Override
  public void compactPrefix(long index) {
    checkUsable();
    if (index <= compacted.index()) return; // already compacted: repeating it is harmless
    if (index > lastIndex) {
      throw new IllegalArgumentException("cannot compact to " + index + ": the log ends at " + lastIndex);
    }
    CompactionPoint next = new CompactionPoint(index, term(index));
    try {
      for (long i = compacted.index() + 1; i <= index; i++) log.remove(i);
      meta.put(MetaCodec.COMPACTED, MetaCodec.compaction(next));
      db.commit();
    } catch (RuntimeException e) {
      throw fail(new StorageException(file, "compacting the log failed (" + e + "); the node must stop and restart", e));
    }
    compacted = next;
    terms.dropBefore(index + 1);
  }

  @Override
  public void continueAfterSnapshot(long index, long term) {
    checkUsable();
    if (index <= compacted.index()) return;
    if (index <= lastIndex && term(index) == term) {
      compactPrefix(index);
      return;
    }
    Ranges.checkSnapshotReset(index, hardState);
    CompactionPoint next = new CompactionPoint(index, term);
    try {
      for (long i = compacted.index() + 1; i <= lastIndex; i++) log.remove(i);
      meta.put(MetaCodec.COMPACTED, MetaCodec.compaction(next));
      db.commit();
    } catch (RuntimeException e) {
      throw fail(new StorageException(file, "resetting the log after a snapshot failed (" + e + "); the node must stop and"
          + " restart", e));
    }
    compacted = next;
    terms.truncateFrom(0);
    lastIndex = index;
  }

  /** Closes MapDB without committing anything new, then releases the directory. Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      db.close();
    } catch (RuntimeException e) {
      throw new StorageException(file, "closing the log store failed (" + e + ")", e);
    } finally {
      lock.close();
    }
  }

  /** The store file, for messages and tools. */
  public Path file() {
    return file;
  }

  private void checkUsable() {
    if (closed) throw new IllegalStateException("log store " + file + " is closed");
    if (failed) throw new StorageException(file, "an earlier storage error left the store unusable: restart the node");
  }

  private StorageException fail(StorageException e) {
    failed = true;
    try {
      db.rollback(); // drop a half-built transaction; a failure here changes nothing: the store is unusable already
    } catch (RuntimeException ignored) {
      // reported through e
    }
    return e;
  }
}
