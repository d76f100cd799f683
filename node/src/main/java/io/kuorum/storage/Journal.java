package io.kuorum.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The write-ahead journal in front of the MapDB log: two preallocated {@link JournalFile}s used in turn.
 * Each group commit is one record appended to the active file and synced. When the store catches up (a
 * checkpoint), the journal rotates: the other file starts a new epoch and takes the new records while
 * the checkpoint writes the old epoch's records to MapDB; once they are there, the old file is freed.
 * So at most two epochs are ever live, and a restart replays them, older first.
 */
final class Journal implements AutoCloseable {

  static final String DIRECTORY = "journal";

  /** One epoch found on open: its number, its file and its records, in order. */
  record Epoch(long number, Path file, List<WritePlan> plans) {}

  private final JournalFile[] files;
  private int active;
  private long lastEpoch;

  private Journal(JournalFile[] files) {
    this.files = files;
  }

  /** Opens the journal in {@code dataDir}, creating its files ({@code fileBytes} each) if missing. */
  static Journal open(Path dataDir, long fileBytes) {
    Path dir = dataDir.resolve(DIRECTORY);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException(dir, "cannot create the journal directory (" + e + ")", e);
    }
    JournalFile a = JournalFile.open(dir.resolve("journal-a"), fileBytes);
    try {
      return new Journal(new JournalFile[] {a, JournalFile.open(dir.resolve("journal-b"), fileBytes)});
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  /** The active epochs the files hold, oldest first; none if both are free. */
  List<Epoch> recover() {
    List<Epoch> found = new ArrayList<>();
    for (JournalFile f : files) {
      JournalFile.Contents c = f.scan();
      lastEpoch = Math.max(lastEpoch, c.epoch()); // free ones too: no new epoch may reuse a number
      if (!c.active()) continue;
      List<WritePlan> plans = new ArrayList<>(c.records().size());
      for (byte[] r : c.records()) {
        try {
          plans.add(JournalRecord.decode(r));
        } catch (CorruptRecordException e) {
          throw new CorruptStoreException(f.path(), "a journal record passed its checksum but cannot be read (" + e.getMessage()
              + "); written by a newer Kuorum version, or damaged", e);
        }
      }
      found.add(new Epoch(c.epoch(), f.path(), plans));
    }
    found.sort(Comparator.comparingLong(Epoch::number));
    return found;
  }

  /** After what {@link #recover} found is in the store: frees both files and starts a new epoch in one. */
  void restart() {
    // Older epoch first: were both left active by a stop in between, the older would be replayed onto a
    // store that already holds the newer, and folding an older epoch over a newer one is not a no-op.
    int older = files[0].epoch() <= files[1].epoch() ? 0 : 1;
    files[older].free();
    files[1 - older].free();
    files[0].start(++lastEpoch);
    active = 0;
  }

  /** Bytes of records in the active epoch. */
  long activeBytes() {
    return files[active].recordBytes();
  }

  /** Appends and syncs one record to the active epoch. */
  void append(byte[] record) {
    files[active].append(record);
  }

  /**
   * Starts a new epoch in the other file, which must be free, and returns the file that held the old
   * one; hand it to {@link #free} once the store holds that epoch.
   */
  int rotate() {
    int next = 1 - active;
    if (files[next].isActive()) {
      throw new IllegalStateException(files[next].path() + " still holds epoch " + files[next].epoch());
    }
    files[next].start(++lastEpoch);
    int old = active;
    active = next;
    return old;
  }

  /** Marks file {@code index} free: its epoch is in the store. May run on another thread than appends. */
  void free(int index) {
    files[index].free();
  }

  @Override
  public void close() {
    files[0].close();
    files[1].close();
  }
}
