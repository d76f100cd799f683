package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on MapDB, plus what only a durable store can do: come back after close. */
class MapDbLogStoreTest extends LogStoreContract {

  @TempDir Path dir;
  @Override
  LogStore store() {
    return open();
  }

  private MapDbLogStore open() {
    return track(MapDbLogStore.open(dir.resolve("data"), ID, limits()));
  }

  /** Default segments here; {@link MapDbTinySegmentsTest} runs every test again with a new segment every 3 entries. */
  SegmentLimits limits() {
    return SegmentLimits.DEFAULT;
  }

  /** Everything observable through the interface, for comparing a store before and after reopening. */
  private record State(HardState hardState, long first, long last, long termBeforeFirst, List<Entry> entries) {
    static State of(LogStore s) {
      return new State(s.hardState(), s.firstIndex(), s.lastIndex(), s.term(s.firstIndex() - 1), all(s));
    }
  }

  private State reopened(LogStore s) {
    s.close();
    return State.of(open());
  }

  @Test
  void reopenedEmptyStoreIsEmpty() {
    LogStore s = open();
    State before = State.of(s);
    assertThat(reopened(s)).isEqualTo(before);
    assertThat(before.last()).isZero();
  }

  @Test
  void reopenReturnsWhatWasWritten() {
    LogStore s = open();
    s.write(List.of(batch(hs(1, 1, 0), run(1, 4, 1))));
    s.write(List.of(batch(hs(2, 2, 1), run(3, 6, 2)), batch(hs(2, 2, 2), run(7, 9, 2)), batch(run(8, 8, 2))));
    State before = State.of(s);

    State after = reopened(s);

    assertThat(after).isEqualTo(before);
    assertThat(after.entries()).containsExactlyElementsOf(concat(run(1, 2, 1), run(3, 8, 2)));
    assertThat(after.hardState()).isEqualTo(hs(2, 2, 2));
  }

  @Test
  void reopenAfterALogGotShorterShowsTheShorterLog() {
    LogStore s = open();
    s.write(List.of(batch(hs(1, 1, 2), run(1, 9, 1))));
    s.write(List.of(batch(hs(2, 2, 2), run(4, 5, 2))));

    State after = reopened(s);

    assertThat(after.last()).isEqualTo(5);
    assertThat(after.entries()).containsExactlyElementsOf(concat(run(1, 3, 1), run(4, 5, 2)));
  }

  @Test
  void reopenAfterASnapshotReplacedTheLogShowsTheNewStart() {
    LogStore s = open();
    s.write(List.of(batch(hs(2, 1, 2), concat(run(1, 4, 1), run(5, 8, 2)))));
    s.continueAfterSnapshot(6, 3);
    s.write(List.of(batch(hs(3, 0, 7), run(7, 8, 3))));
    State before = State.of(s);

    State after = reopened(s);

    assertThat(after).isEqualTo(before);
    assertThat(after.first()).isEqualTo(7);
    assertThat(after.termBeforeFirst()).isEqualTo(3);
    assertThat(after.entries()).containsExactlyElementsOf(run(7, 8, 3));
  }

  @Test
  void reopenAfterCompactionKeepsTheFirstIndexAndItsAnchorTerm() {
    LogStore s = open();
    s.write(List.of(batch(hs(3, 1, 9), concat(run(1, 5, 1), concat(run(6, 8, 2), run(9, 10, 3))))));
    s.compactPrefix(7);
    State before = State.of(s);

    s.close();
    MapDbLogStore again = open();

    assertThat(State.of(again)).isEqualTo(before);
    assertThat(again.firstIndex()).isEqualTo(8);
    assertThat(again.term(7)).isEqualTo(2);
    again.write(List.of(batch(hs(3, 1, 10), run(11, 11, 3))));
    again.compactPrefix(11);
    assertThat(reopened(again)).isEqualTo(new State(hs(3, 1, 10), 12, 11, 3, List.of()));
  }

  @Test
  void createsMissingParentDirectories() {
    Path nested = dir.resolve("a/b/c");
    try (MapDbLogStore s = MapDbLogStore.open(nested, ID)) {
      assertThat(s.file()).isEqualTo(StoreFile.segment(nested, 1).toAbsolutePath());
      assertThat(Files.isRegularFile(s.file())).isTrue();
    }
  }

  @Test
  void manyWritesSurviveReopen() {
    LogStore s = open();
    long term = 1;
    for (int w = 0; w < 200; w++) {
      long next = s.lastIndex() + 1;
      if (w % 50 == 49) term++; // a new term now and then, replacing the last uncommitted entry
      long from = w % 50 == 49 ? next - 1 : next;
      s.write(List.of(batch(hs(term, 1, Math.max(0, from - 1)), run(from, from + w % 7, term))));
    }
    State before = State.of(s);
    assertThat(reopened(s)).isEqualTo(before);
    assertThat(before.last()).isGreaterThan(600);
  }
}
