package io.kuorum.storage;

import static io.kuorum.storage.LogStoreContract.ID;
import static io.kuorum.storage.LogStoreContract.batch;
import static io.kuorum.storage.LogStoreContract.hs;
import static io.kuorum.storage.LogStoreContract.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the MapDB store splits the log into segment files, and how it gives their space back. */
class LogSegmentsTest {

  private static final SegmentLimits TEN = new SegmentLimits(10, 1 << 20);

  @TempDir Path tmp;

  private Path data() {
    return tmp.resolve("data");
  }

  private MapDbLogStore open() {
    return MapDbLogStore.open(data(), ID, TEN);
  }

  private List<Long> segments() {
    return StoreFile.segments(data());
  }

  @Test
  void compactionDeletesSegmentFilesSoDiskUseFollowsTheLiveLog() {
    List<Integer> fileCounts = new ArrayList<>();
    long last = 0;
    try (MapDbLogStore s = open()) {
      while (last < 2000) {
        s.write(List.of(batch(hs(1, 1, last + 7), run(last + 1, last + 7, 1))));
        last += 7;
        if (last > 40) s.compactPrefix(last - 30); // keep 30 entries, as a node keeps those behind its snapshot
        fileCounts.add(segments().size());
      }
      assertThat(s.entries(s.firstIndex(), s.lastIndex())).containsExactlyElementsOf(run(last - 29, last, 1));
    }
    // 31 live entries in segments of 10 (plus up to one batch past the limit): never more than 5 files
    assertThat(fileCounts.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(5);
    // a segment is sealed once it holds 10 or more entries: two batches of 7, so about 140 were started
    assertThat(segments().get(0)).as("the oldest segment in use is a recent one").isGreaterThan(130);
    try (MapDbLogStore s = open()) {
      assertThat(s.firstIndex()).isEqualTo(last - 29);
      assertThat(s.entries(last - 29, last)).containsExactlyElementsOf(run(last - 29, last, 1));
    }
  }

  @Test
  void replacingEntriesOfASealedSegmentStartsANewHeadAndKeepsTheEntriesBefore() {
    try (MapDbLogStore s = open()) {
      for (long i = 1; i <= 35; i += 5) s.write(List.of(batch(hs(1, 1, 5), run(i, i + 4, 1))));
      assertThat(segments()).hasSizeGreaterThan(2);
      // a new leader of term 2 overwrites everything after 12 (its entries differ from 13 on)
      s.write(List.of(batch(hs(2, 2, 5), run(13, 14, 2))));
      assertThat(s.lastIndex()).isEqualTo(14);
    }
    try (MapDbLogStore s = open()) {
      List<Entry> expected = new ArrayList<>(run(1, 12, 1));
      expected.addAll(run(13, 14, 2));
      assertThat(s.entries(1, 14)).containsExactlyElementsOf(expected);
      assertThat(s.term(12)).isEqualTo(1);
    }
  }

  @Test
  void aSnapshotThatReplacesTheLogLeavesOneFreshSegment() {
    try (MapDbLogStore s = open()) {
      s.write(List.of(batch(hs(1, 1, 5), run(1, 35, 1))));
      s.write(List.of(batch(hs(3, 2, 5), run(36, 40, 1))));
      s.continueAfterSnapshot(100, 3);
      assertThat(segments()).hasSize(1);
      assertThat(s.firstIndex()).isEqualTo(101);
      assertThat(s.lastIndex()).isEqualTo(100);
      assertThat(s.term(100)).isEqualTo(3);
    }
    try (MapDbLogStore s = open()) {
      assertThat(s.firstIndex()).isEqualTo(101);
      assertThat(s.term(100)).isEqualTo(3);
    }
  }

  @Test
  void aSegmentWhoseDeletionWasCutShortIsDeletedOnTheNextOpen() throws IOException {
    Path kept = tmp.resolve("segment-copy");
    try (MapDbLogStore s = open()) {
      for (long i = 1; i <= 30; i += 5) s.write(List.of(batch(hs(1, 1, i + 4), run(i, i + 4, 1))));
      long oldest = segments().get(0);
      Files.copy(StoreFile.segment(data(), oldest), kept);
      s.compactPrefix(25);
      assertThat(segments()).doesNotContain(oldest);
      Files.copy(kept, StoreFile.segment(data(), oldest), StandardCopyOption.REPLACE_EXISTING); // as if never deleted
    }
    try (MapDbLogStore s = open()) {
      assertThat(s.entries(26, 30)).containsExactlyElementsOf(run(26, 30, 1));
    }
    assertThat(segments()).doesNotContain(1L);
  }

  @Test
  void aMissingSealedSegmentStopsTheStoreAndNamesTheFile() throws IOException {
    try (MapDbLogStore s = open()) {
      for (long i = 1; i <= 30; i += 5) s.write(List.of(batch(hs(1, 1, i + 4), run(i, i + 4, 1))));
    }
    Path missing = StoreFile.segment(data(), segments().get(0));
    Files.delete(missing);
    List<Long> before = segments();
    assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("this segment is missing")
        .hasMessageContaining("lists it for entries 1 to ");
    assertThat(segments()).as("nothing deleted or created by the refusal").isEqualTo(before);
  }

  @Test
  void theSingleFileOfFormatOneIsRefusedWithWhatToDo() throws IOException {
    Files.createDirectories(data());
    Files.write(data().resolve(StoreFile.FORMAT_1_NAME), new byte[] {1, 2, 3});
    assertThatThrownBy(this::open).isInstanceOf(StorageException.class)
        .hasMessageContaining("older Kuorum build (log format 1").hasMessageContaining("empty data directory");
    assertThat(segments()).isEmpty();
  }
}
