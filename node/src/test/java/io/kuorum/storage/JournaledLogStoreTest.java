package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on the node's store (with default checkpoints, and with a checkpoint every few entries),
 * and what the journal adds: writes survive in the journal until a checkpoint, a torn last record is
 * ignored, damage anywhere else stops the store.
 */
class JournaledLogStoreTest extends LogStoreContract {

  /** A checkpoint every 3 entries, rotating through 4 KiB files. */
  static final JournalLimits FREQUENT = new JournalLimits(4 << 10, 1 << 10, 3);

  @TempDir Path dir;

  @Override
  LogStore store() {
    return track(JournaledLogStore.open(dir.resolve("data"), ID));
  }

  @Nested
  class WithACheckpointEveryThreeEntries extends LogStoreContract {
    @Override
    LogStore store() {
      return track(JournaledLogStore.open(dir.resolve("frequent"), ID, FREQUENT));
    }
  }

  /** The data directory as a crash would leave it: every synced byte, nothing the close would add. */
  private Path crashCopy(Path data) throws IOException {
    Path copy = dir.resolve("crash-" + System.nanoTime());
    try (Stream<Path> files = Files.walk(data)) {
      for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
        if (p.getFileName().toString().equals("lock")) continue;
        Path target = copy.resolve(data.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
    return copy;
  }

  private Path activeJournal(Path data) {
    return data.resolve(Journal.DIRECTORY).resolve("journal-a");
  }

  @Test
  void writesTheCheckpointHasNotReachedAreReplayedFromTheJournal() throws IOException {
    Path data = dir.resolve("data");
    LogStore s = track(JournaledLogStore.open(data, ID));
    List<Entry> written = new ArrayList<>();
    for (long t = 1; t <= 2; t++) {
      List<Entry> batch = run(written.size() + 1, written.size() + 5, t);
      s.write(List.of(batch(hs(t, 1, written.size()), batch)));
      written.addAll(batch);
    }
    s.write(List.of(batch(hs(3, 1, 5), run(8, 9, 3)))); // replaces two uncommitted entries
    List<Entry> expected = concat(written.subList(0, 7), run(8, 9, 3));

    LogStore reopened = track(JournaledLogStore.open(crashCopy(data), ID));
    assertThat(all(reopened)).containsExactlyElementsOf(expected);
    assertThat(reopened.hardState()).isEqualTo(hs(3, 1, 5));
  }

  @Test
  void aStoreThatCheckpointsOftenRecoversTheSameLogAfterACrash() throws IOException {
    Path data = dir.resolve("data");
    JournaledLogStore s = track(JournaledLogStore.open(data, ID, FREQUENT));
    for (long i = 1; i <= 40; i++) s.write(List.of(batch(hs(1, 1, i - 1), List.of(e(i, 1)))));
    s.awaitCheckpoint(); // a copy is not atomic: nothing may write the files while it is taken
    LogStore reopened = track(JournaledLogStore.open(crashCopy(data), ID, FREQUENT));
    assertThat(all(reopened)).containsExactlyElementsOf(run(1, 40, 1));
    assertThat(reopened.hardState()).isEqualTo(hs(1, 1, 39));
  }

  @Test
  void aRecordCutShortAtTheEndIsIgnored() throws IOException {
    Path data = dir.resolve("data");
    LogStore s = track(JournaledLogStore.open(data, ID));
    s.write(List.of(batch(hs(1, 1, 0), run(1, 3, 1))));
    s.write(List.of(batch(run(4, 4, 1))));
    Path copy = crashCopy(data);
    // the second record's header survived but its payload did not: a write the kill cut short
    long second = JournalFile.HEADER_BYTES + JournalFile.padded(recordLength(activeJournal(copy), JournalFile.HEADER_BYTES));
    zero(activeJournal(copy), second + JournalFile.RECORD_HEADER_BYTES, 8);

    LogStore reopened = track(JournaledLogStore.open(copy, ID));
    assertThat(all(reopened)).containsExactlyElementsOf(run(1, 3, 1));
  }

  @Test
  void aDamagedRecordWithValidOnesAfterItStopsTheStore() throws IOException {
    Path data = dir.resolve("data");
    LogStore s = track(JournaledLogStore.open(data, ID));
    s.write(List.of(batch(hs(1, 1, 0), run(1, 3, 1))));
    s.write(List.of(batch(run(4, 4, 1))));
    Path copy = crashCopy(data);
    flip(activeJournal(copy), JournalFile.HEADER_BYTES + JournalFile.RECORD_HEADER_BYTES + 4, 4);

    assertThatThrownBy(() -> JournaledLogStore.open(copy, ID)).isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining("journal-a").hasMessageContaining("is damaged, yet a valid record follows it");
  }

  @Test
  void aDamagedJournalHeaderStopsTheStore() throws IOException {
    Path data = dir.resolve("data");
    LogStore s = track(JournaledLogStore.open(data, ID));
    s.write(List.of(batch(hs(1, 1, 0), run(1, 3, 1))));
    Path copy = crashCopy(data);
    flip(activeJournal(copy), 10, 2);

    assertThatThrownBy(() -> JournaledLogStore.open(copy, ID)).isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining("journal header is damaged");
  }

  @Test
  void aCleanCloseLeavesNothingToReplay() {
    Path data = dir.resolve("data");
    try (LogStore s = JournaledLogStore.open(data, ID)) {
      s.write(List.of(batch(hs(1, 1, 2), run(1, 3, 1))));
    }
    try (MirroredLogStore mapdb = MirroredLogStore.open(data, ID)) {
      assertThat(all(mapdb)).containsExactlyElementsOf(run(1, 3, 1));
      assertThat(mapdb.hardState()).isEqualTo(hs(1, 1, 2));
    }
  }

  @Test
  void foldingWritesTheStoreAlreadyHoldsChangesNothing() {
    MirroredLogStore mapdb = track(MirroredLogStore.open(dir.resolve("data"), ID));
    FoldedWrites epoch = new FoldedWrites();
    epoch.add(WritePlan.of(mapdb, List.of(batch(hs(1, 1, 0), run(1, 5, 1)))));
    mapdb.write(List.of(epoch.asWrite()));
    FoldedWrites next = new FoldedWrites();
    next.add(WritePlan.of(mapdb, List.of(batch(hs(2, 1, 3), run(4, 6, 2)))));
    assertThat(epoch.missingFrom(mapdb)).as("the store holds the first epoch").isEmpty();
    mapdb.write(List.of(next.missingFrom(mapdb).orElseThrow()));

    assertThat(next.missingFrom(mapdb)).as("and now the second").isEmpty();
    assertThat(all(mapdb)).containsExactlyElementsOf(concat(run(1, 3, 1), run(4, 6, 2)));
  }

  private static int recordLength(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      f.seek(at);
      return f.readInt();
    }
  }

  private static void flip(Path file, long at, int bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] b = new byte[bytes];
      f.seek(at);
      f.readFully(b);
      for (int i = 0; i < bytes; i++) b[i] ^= (byte) 0xff;
      f.seek(at);
      f.write(b);
    }
  }

  private static void zero(Path file, long at, int bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      f.write(new byte[bytes]);
    }
  }
}
