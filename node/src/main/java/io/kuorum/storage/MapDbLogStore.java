package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.mapdb.BTreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link LogStore}: MapDB files with write-ahead-log transactions in the node's data
 * directory, one per segment of the log (see {@link SegmentTable}). Entries live in B-trees of
 * {@link EntryRuns} (each entry in {@link EntryCodec} form with its own checksum); identity, format version, hard
 * state, compaction point and the segment table live in the newest segment, the head.
 *
 * <p>Why segments: MapDB never returns the space of removed entries to the file system, so a single
 * file grows with every entry ever written (measured: 297 MB after 1M entries of which 10k were kept).
 * Here compaction only moves the compaction point, and a sealed segment file is deleted once the
 * compaction point passes its last entry; disk use stays within the live log plus about two segments.
 *
 * <p>Every {@link #write} is atomic: a write within the head is one MapDB commit; a write that starts a
 * new head (the head is full, or the write replaces entries in a sealed segment) creates the new head
 * file with the write's contents and renames it into place. {@link #compactPrefix} is one small commit
 * of the head's records. Sealed segments are never written again.
 *
 * <p>Opening verifies every entry the log uses (see {@link LogScan}) and refuses, with a
 * {@link StorageException} naming the file, anything it cannot trust; it never repairs or truncates. It
 * deletes only segment files that the head no longer lists (a deletion cut short by a stop) and
 * segments whose creation was cut short. First/last index, hard state and terms are kept in memory;
 * entries are read from MapDB. Not thread-safe: one storage thread owns it.
 */
public final class MapDbLogStore implements LogStore {

  private static final Logger log = LoggerFactory.getLogger(MapDbLogStore.class);

  /** A sealed segment's file, open for reading, and the range the log takes from it. */
  private record SealedFile(SegmentTable.Sealed range, Path file, StoreFile.Opened opened) {
    SealedFile withLast(long last) {
      return last == range.last() ? this : new SealedFile(new SegmentTable.Sealed(range.seq(), range.first(), last), file, opened);
    }
  }

  private final Path dir;
  private final DirectoryLock lock;
  private final StoreIdentity identity;
  private final SegmentLimits limits;
  private List<SealedFile> sealed;
  private Path headFile;
  private StoreFile.Opened head;
  private SegmentTable table;
  /** Entry data bytes written to the head file since it was created (replaced entries included). */
  private long headBytes;
  private final LogShape shape;
  private boolean closed;
  /** Set when a commit or read failed: MapDB's state is then unknown and the node must restart. */
  private boolean failed;

  private MapDbLogStore(Path dir, DirectoryLock lock, StoreIdentity identity, SegmentLimits limits, Loaded loaded) {
    this.dir = dir;
    this.lock = lock;
    this.identity = identity;
    this.limits = limits;
    this.sealed = loaded.sealed();
    this.headFile = loaded.headFile();
    this.head = loaded.head();
    this.table = loaded.table();
    this.headBytes = loaded.headBytes();
    this.shape = new LogShape(loaded.hardState(), loaded.compacted(), loaded.scan().lastIndex(), loaded.scan().terms());
  }

  /**
   * Opens the store in {@code dataDir}, creating the directory and an empty store if there is none. The
   * store must belong to {@code expected}; see the class comment for what else is refused.
   */
  public static MapDbLogStore open(Path dataDir, StoreIdentity expected) {
    return open(dataDir, expected, SegmentLimits.DEFAULT);
  }

  public static MapDbLogStore open(Path dataDir, StoreIdentity expected, SegmentLimits limits) {
    Path dir = dataDir.toAbsolutePath().normalize();
    DirectoryLock lock = DirectoryLock.acquire(dir);
    List<StoreFile.Opened> opened = new ArrayList<>();
    try {
      Path format1 = dir.resolve(StoreFile.FORMAT_1_NAME);
      if (Files.exists(format1)) {
        throw new StorageException(format1, "was written by an older Kuorum build (log format 1, a single file); this "
            + "build reads format " + StoreFile.FORMAT_VERSION + " (segment files): run the version that wrote it, or "
            + "start this member with an empty data directory");
      }
      StoreFile.deleteUnfinished(dir);
      List<Long> seqs = StoreFile.segments(dir);
      if (seqs.isEmpty()) {
        StoreFile.create(StoreFile.segment(dir, 1), new StoreFile.Contents(expected, HardState.INITIAL,
            CompactionPoint.NONE, SegmentTable.first(), List.of()));
        seqs = List.of(1L);
      }
      Loaded loaded = Loaded.load(dir, seqs, expected, opened);
      deleteUnlisted(dir, seqs, loaded.table());
      return new MapDbLogStore(dir, lock, expected, limits, loaded);
    } catch (RuntimeException | Error e) {
      for (StoreFile.Opened o : opened) StoreFile.closeQuietly(o.db());
      lock.close();
      throw e;
    }
  }

  /** What opening found, all of it verified. */
  private record Loaded(Path headFile, StoreFile.Opened head, SegmentTable table, List<SealedFile> sealed,
      HardState hardState, CompactionPoint compacted, LogScan.Result scan, long headBytes) {

    static Loaded load(Path dir, List<Long> seqs, StoreIdentity expected, List<StoreFile.Opened> opened) {
      Path headFile = StoreFile.segment(dir, seqs.get(seqs.size() - 1));
      StoreFile.Opened head = openChecked(headFile, expected, opened);
      HardState hs;
      CompactionPoint compacted;
      SegmentTable table;
      try {
        hs = MetaCodec.hardState(required(head, MetaCodec.HARD_STATE));
        compacted = MetaCodec.compaction(required(head, MetaCodec.COMPACTED));
        table = MetaCodec.segments(required(head, MetaCodec.SEGMENTS));
        if (!headFile.equals(StoreFile.segment(dir, table.headSeq()))) {
          throw new CorruptRecordException("its segment table says it is segment " + table.headSeq());
        }
      } catch (RuntimeException | OutOfMemoryError e) {
        throw unreadable(headFile, e);
      }
      List<SealedFile> sealed = new ArrayList<>();
      for (SegmentTable.Sealed s : table.sealed()) {
        Path file = StoreFile.segment(dir, s.seq());
        if (!Files.exists(file)) {
          throw StoreFile.corrupt(file, "this segment is missing; " + headFile.getFileName() + " lists it for entries "
              + s.first() + " to " + s.last(), null);
        }
        sealed.add(new SealedFile(s, file, openChecked(file, expected, opened)));
      }
      if (table.firstHeld() > compacted.index() + 1) {
        throw StoreFile.corrupt(headFile, "entries " + (compacted.index() + 1) + " to " + (table.firstHeld() - 1)
            + " are in no segment", null);
      }
      LogScan.Result scan;
      Concatenated entries = stored(sealed, head, headFile, table.headFirst(), compacted.index() + 1, Long.MAX_VALUE);
      try {
        scan = LogScan.verify(entries, compacted, hs);
      } catch (RuntimeException | OutOfMemoryError e) {
        throw unreadable(entries.file(headFile), e);
      }
      long headBytes = 0;
      try {
        for (byte[] value : head.log().getValues()) headBytes += value.length;
      } catch (RuntimeException | OutOfMemoryError e) {
        throw unreadable(headFile, e);
      }
      if (scan.lastIndex() < table.headFirst() - 1) {
        throw StoreFile.corrupt(sealed.get(sealed.size() - 1).file(), "entries " + (scan.lastIndex() + 1) + " to "
            + (table.headFirst() - 1) + " are missing from their sealed segment", null);
      }
      return new Loaded(headFile, head, table, List.copyOf(sealed), hs, compacted, scan, headBytes);
    }

    private static StoreFile.Opened openChecked(Path file, StoreIdentity expected, List<StoreFile.Opened> opened) {
      StoreFile.Opened o = StoreFile.open(file);
      opened.add(o);
      try {
        int format = MetaCodec.format(required(o, MetaCodec.FORMAT));
        if (format != StoreFile.FORMAT_VERSION) {
          throw new StorageException(file, "data format version " + format + " is not supported by this build (it "
              + "reads version " + StoreFile.FORMAT_VERSION + "): run the Kuorum version that wrote it, or start with an"
              + " empty data directory");
        }
        StoreIdentity found = MetaCodec.identity(required(o, MetaCodec.IDENTITY));
        if (!found.equals(expected)) {
          throw new StorageException(file, "data directory belongs to cluster " + found.clusterId() + " member "
              + found.memberId() + ", this node is cluster " + expected.clusterId() + " member " + expected.memberId()
              + ": point --data at this member's own directory or start with an empty one");
        }
        return o;
      } catch (StorageException e) {
        throw e;
      } catch (RuntimeException | OutOfMemoryError e) {
        throw unreadable(file, e);
      }
    }

    private static byte[] required(StoreFile.Opened opened, String key) {
      byte[] value = opened.meta().get(key);
      if (value == null) throw new CorruptRecordException("the '" + key + "' record is missing");
      return value;
    }

    private static StorageException unreadable(Path file, Throwable e) {
      if (e instanceof StorageException s) return s;
      if (e instanceof CorruptRecordException) return StoreFile.corrupt(file, e.getMessage(), e);
      // a damaged B-tree node can surface as any MapDB or JDK exception, or as a huge bogus allocation
      return StoreFile.corrupt(file, "MapDB cannot read it: " + e, e);
    }
  }

  /** Segment files the head does not list are left from deletions a stop cut short: finish them. */
  private static void deleteUnlisted(Path dir, List<Long> seqs, SegmentTable table) {
    Set<Long> listed = new HashSet<>();
    listed.add(table.headSeq());
    for (SegmentTable.Sealed s : table.sealed()) listed.add(s.seq());
    for (long seq : seqs) {
      if (listed.contains(seq)) continue;
      Path file = StoreFile.segment(dir, seq);
      log.info("deleting log segment {}: the log no longer uses it (its deletion was interrupted by a stop)", file);
      StoreFile.delete(file);
    }
  }

  @Override
  public StoreIdentity identity() {
    return identity;
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

  @Override
  public List<Entry> entries(long from, long to) {
    checkUsable();
    Ranges.checkEntries(from, to, firstIndex(), shape.lastIndex());
    if (from > to) return List.of();
    List<Entry> out = new ArrayList<>((int) Math.min(to - from + 1, Integer.MAX_VALUE - 8));
    Concatenated it = stored(sealed, head, headFile, table.headFirst(), from, to);
    try {
      long expected = from;
      while (it.hasNext()) {
        Map.Entry<Long, byte[]> stored = it.next();
        if (stored.getKey() != expected) throw new CorruptRecordException("entry " + expected + " is missing");
        out.add(EntryCodec.decode(expected, stored.getValue()));
        expected++;
      }
      if (expected != to + 1) throw new CorruptRecordException("entries " + expected + " to " + to + " are missing");
    } catch (CorruptRecordException e) {
      throw fail(StoreFile.corrupt(it.file(headFile), e.getMessage(), e));
    } catch (RuntimeException | OutOfMemoryError e) {
      throw fail(StoreFile.corrupt(it.file(headFile), "MapDB cannot read entries " + from + " to " + to + ": " + e, e));
    }
    return out;
  }

  @Override
  public void write(List<LogWrite> batches) {
    checkUsable();
    WritePlan plan = WritePlan.of(this, batches);
    if (plan.isEmpty()) return;
    boolean newHead = !plan.append().isEmpty() && (plan.replaceFrom() < table.headFirst() || headIsFull());
    if (newHead) {
      startHead(plan.replaceFrom(), plan.hardState().orElse(shape.hardState()), shape.compacted(), plan.append());
    } else {
      writeInHead(plan);
    }
    shape.applied(plan);
  }

  private boolean headIsFull() {
    return shape.lastIndex() - table.headFirst() + 1 >= limits.entries() || headBytes >= limits.bytes();
  }

  private void writeInHead(WritePlan plan) {
    try {
      if (plan.replaceFrom() <= shape.lastIndex()) truncateHead(plan.replaceFrom());
      for (Map.Entry<Long, byte[]> run : EntryRuns.encode(plan.append())) head.log().put(run.getKey(), run.getValue());
      plan.hardState().ifPresent(hs -> head.meta().put(MetaCodec.HARD_STATE, MetaCodec.hardState(hs)));
      head.db().commit(); // the one durability point of this call: group commit
    } catch (RuntimeException e) {
      throw fail(new StorageException(headFile, "writing the log failed (" + e + "); the write may or may not be "
          + "durable, so the node must stop and restart", e));
    }
    headBytes += dataBytes(plan.append());
  }

  /** Drops the head's entries from {@code from} on: whole runs after it, and the tail of the run holding it. */
  private void truncateHead(long from) {
    BTreeMap<Long, byte[]> runs = head.log();
    for (Long start : List.copyOf(runs.tailMap(from, true).keySet())) runs.remove(start);
    Long start = runs.floorKey(from);
    if (start == null) return;
    byte[] run = runs.get(start);
    int keep = (int) (from - start);
    if (EntryRuns.split(start, run).size() > keep) runs.put(start, EntryRuns.prefix(start, run, keep));
  }

  /**
   * Seals the head and continues the log in a new head file that starts at {@code first} and already
   * holds {@code entries}: the log's entries before {@code first} stay where they are (cut at
   * {@code first}), and segments left with nothing above the compaction point are deleted.
   */
  private void startHead(long first, HardState hs, CompactionPoint cp, List<Entry> entries) {
    List<SealedFile> keep = new ArrayList<>();
    List<StoreFile.Opened> drop = new ArrayList<>();
    List<Path> dropFiles = new ArrayList<>();
    List<SealedFile> candidates = new ArrayList<>(sealed);
    if (shape.lastIndex() >= table.headFirst()) {
      candidates.add(new SealedFile(new SegmentTable.Sealed(table.headSeq(), table.headFirst(), shape.lastIndex()), headFile,
          head));
    } else {
      drop.add(head);
      dropFiles.add(headFile);
    }
    for (SealedFile s : candidates) {
      long last = Math.min(s.range().last(), first - 1);
      if (last < s.range().first() || last <= cp.index()) {
        drop.add(s.opened());
        dropFiles.add(s.file());
      } else {
        keep.add(s.withLast(last));
      }
    }
    SegmentTable next = new SegmentTable(table.headSeq() + 1, first, keep.stream().map(SealedFile::range).toList());
    Path file = StoreFile.segment(dir, next.headSeq());
    StoreFile.Opened opened;
    try {
      StoreFile.create(file, new StoreFile.Contents(identity, hs, cp, next, entries));
      opened = StoreFile.open(file);
    } catch (StorageException e) {
      throw fail(e);
    }
    log.debug("log segment {} started at index {}; {} sealed segments in use, {} deleted", file.getFileName(), first,
        keep.size(), dropFiles.size());
    sealed = List.copyOf(keep);
    head = opened;
    headFile = file;
    table = next;
    headBytes = dataBytes(entries);
    delete(drop, dropFiles);
  }

  @Override
  public void compactPrefix(long index) {
    checkUsable();
    if (index <= shape.compacted().index()) return; // already compacted: repeating it is harmless
    if (index > shape.lastIndex()) {
      throw new IllegalArgumentException("cannot compact to " + index + ": the log ends at " + shape.lastIndex());
    }
    CompactionPoint next = new CompactionPoint(index, term(index));
    List<SealedFile> keep = new ArrayList<>();
    List<StoreFile.Opened> drop = new ArrayList<>();
    List<Path> dropFiles = new ArrayList<>();
    for (SealedFile s : sealed) {
      if (s.range().last() > index) {
        keep.add(s);
      } else {
        drop.add(s.opened());
        dropFiles.add(s.file());
      }
    }
    SegmentTable nextTable = new SegmentTable(table.headSeq(), table.headFirst(), keep.stream().map(SealedFile::range).toList());
    try {
      // only records change: the compacted entries stay in their files until a whole file can go
      head.meta().put(MetaCodec.COMPACTED, MetaCodec.compaction(next));
      head.meta().put(MetaCodec.SEGMENTS, MetaCodec.segments(nextTable));
      head.db().commit();
    } catch (RuntimeException e) {
      throw fail(new StorageException(headFile, "compacting the log failed (" + e + "); the node must stop and restart", e));
    }
    shape.compactedTo(next);
    table = nextTable;
    sealed = List.copyOf(keep);
    delete(drop, dropFiles);
  }

  @Override
  public void continueAfterSnapshot(long index, long term) {
    checkUsable();
    if (index <= shape.compacted().index()) return;
    if (index <= shape.lastIndex() && term(index) == term) {
      compactPrefix(index);
      return;
    }
    Ranges.checkSnapshotReset(index, shape.hardState());
    startHead(index + 1, shape.hardState(), new CompactionPoint(index, term), List.of());
    shape.restartedAfter(new CompactionPoint(index, term));
  }

  /** Closes MapDB without committing anything new, then releases the directory. Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      for (SealedFile s : sealed) StoreFile.closeQuietly(s.opened().db());
      head.db().close();
    } catch (RuntimeException e) {
      throw new StorageException(headFile, "closing the log store failed (" + e + ")", e);
    } finally {
      lock.close();
    }
  }

  /** The head segment's file, for messages and tools. */
  public Path file() {
    return headFile;
  }

  private void checkUsable() {
    if (closed) throw new IllegalStateException("log store " + dir + " is closed");
    if (failed) throw new StorageException(dir, "an earlier storage error left the store unusable: restart the node");
  }

  private StorageException fail(StorageException e) {
    failed = true;
    try {
      head.db().rollback(); // drop a half-built transaction; a failure here changes nothing: the store is unusable already
    } catch (RuntimeException ignored) {
      // reported through e
    }
    return e;
  }

  /** Deletes segments the log no longer lists; one that survives a stop is deleted on the next open. */
  private void delete(List<StoreFile.Opened> drop, List<Path> files) {
    for (StoreFile.Opened o : drop) StoreFile.closeQuietly(o.db());
    try {
      for (Path f : files) StoreFile.delete(f);
    } catch (StorageException e) {
      log.warn("{}; the next start deletes it", e.getMessage());
    }
  }

  private static long dataBytes(List<Entry> entries) {
    long n = 0;
    for (Entry e : entries) n += e.data().length;
    return n;
  }

  /** The stored values for indexes [from, to], in order, from the segments that hold them for the log. */
  private static Concatenated stored(List<SealedFile> sealed, StoreFile.Opened head, Path headFile, long headFirst,
      long from, long to) {
    Concatenated all = new Concatenated();
    for (SealedFile s : sealed) {
      long lo = Math.max(from, s.range().first());
      long hi = Math.min(to, s.range().last());
      if (lo <= hi) all.add(s.file(), entries(s.opened().log(), lo, hi));
    }
    long lo = Math.max(from, headFirst);
    if (lo <= to) all.add(headFile, entries(head.log(), lo, to));
    return all;
  }

  /** A segment's entries [lo, hi], from the run holding {@code lo} on. */
  private static Iterator<Map.Entry<Long, byte[]>> entries(BTreeMap<Long, byte[]> runs, long lo, long hi) {
    Long start = runs.floorKey(lo);
    return EntryRuns.entries(runs.entryIterator(start == null ? lo : start, true, hi, true), lo, hi);
  }

  /** One segment's entries after another; knows which file the last entry came from, for messages. */
  private static final class Concatenated implements Iterator<Map.Entry<Long, byte[]>> {
    private final List<Path> files = new ArrayList<>();
    private final List<Iterator<Map.Entry<Long, byte[]>>> parts = new ArrayList<>();
    private int at = -1;
    private Iterator<Map.Entry<Long, byte[]>> current = Collections.emptyIterator();

    void add(Path file, Iterator<Map.Entry<Long, byte[]>> part) {
      files.add(file);
      parts.add(part);
    }

    /** The file being read: where a bad entry or a gap was found. */
    Path file(Path otherwise) {
      return at >= 0 ? files.get(at) : otherwise;
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && at + 1 < parts.size()) current = parts.get(++at);
      return current.hasNext();
    }

    @Override
    public Map.Entry<Long, byte[]> next() {
      if (!hasNext()) throw new NoSuchElementException();
      return current.next();
    }
  }
}
