package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Entry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's two files and their epochs, below the store. */
class JournalTest {

  @TempDir Path dir;

  private static byte[] record(long index) {
    return JournalRecord.encode(new WritePlan(index, List.of(Entry.command(index, 1, new byte[] {(byte) index})), Optional.empty()));
  }

  @Test
  void aFreedFileKeepsItsEpochSoNoLaterEpochTakesUpItsOldRecords() {
    try (Journal j = Journal.open(dir, 64 << 10)) {
      assertThat(j.recover()).isEmpty();
      j.restart(); // epoch 1 in file a
      j.append(record(1));
      j.append(record(2));
      j.append(record(3));
      j.free(j.rotate()); // epoch 2 in file b; file a free, its three records still on disk
    }
    try (Journal j = Journal.open(dir, 64 << 10)) {
      assertThat(j.recover()).singleElement().satisfies(e -> {
        assertThat(e.number()).isEqualTo(2);
        assertThat(e.plans()).isEmpty();
      });
      j.restart(); // file a again, in epoch 3: a number its old records do not carry
      j.append(record(7));
    }
    try (Journal j = Journal.open(dir, 64 << 10)) {
      List<Journal.Epoch> found = j.recover();
      assertThat(found).singleElement().satisfies(e -> {
        assertThat(e.number()).isEqualTo(3);
        assertThat(e.plans()).extracting(WritePlan::replaceFrom).containsExactly(7L);
      });
    }
  }

  @Test
  void recordsAreReplayedInTheOrderOfTheirEpochs() {
    try (Journal j = Journal.open(dir, 64 << 10)) {
      j.recover();
      j.restart();
      j.append(record(1));
      j.rotate(); // file a still active: its checkpoint has not finished
      j.append(record(2));
    }
    try (Journal j = Journal.open(dir, 64 << 10)) {
      assertThat(j.recover()).extracting(Journal.Epoch::number).containsExactly(1L, 2L);
    }
  }
}
