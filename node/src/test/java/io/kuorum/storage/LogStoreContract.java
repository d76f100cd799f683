package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link LogStore} must do; each store has a subclass that supplies a fresh, empty store. */
abstract class LogStoreContract {

  static final StoreIdentity ID = new StoreIdentity("cluster-a", 1);

  /** A fresh empty store for {@link #ID}; pass it through {@link #track} so it is closed after the test. */
  abstract LogStore store();

  private final List<LogStore> opened = new ArrayList<>();

  /** Closes {@code store} after the test (closing twice is allowed). */
  <S extends LogStore> S track(S store) {
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeTracked() {
    opened.forEach(LogStore::close);
  }

  // ---- helpers -------------------------------------------------------------------------------

  static Entry e(long index, long term) {
    return Entry.command(index, term, ("cmd " + index + "@" + term).getBytes(StandardCharsets.UTF_8));
  }

  /** Entries from..to (inclusive), all of {@code term}. */
  static List<Entry> run(long from, long to, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(e(i, term));
    return out;
  }

  static HardState hs(long term, long vote, long commit) {
    return new HardState(term, vote, commit);
  }

  static LogWrite batch(HardState hs, List<Entry> entries) {
    return new LogWrite(Optional.of(hs), entries);
  }

  static LogWrite batch(List<Entry> entries) {
    return new LogWrite(Optional.empty(), entries);
  }

  static List<Entry> concat(List<Entry> a, List<Entry> b) {
    List<Entry> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static List<Entry> all(LogStore s) {
    return s.entries(s.firstIndex(), s.lastIndex());
  }

  // ---- empty store ---------------------------------------------------------------------------

  @Test
  void emptyStore() {
    LogStore s = store();
    assertThat(s.identity()).isEqualTo(ID);
    assertThat(s.hardState()).isEqualTo(HardState.INITIAL);
    assertThat(s.firstIndex()).isEqualTo(1);
    assertThat(s.lastIndex()).isEqualTo(0);
    assertThat(s.term(0)).isZero();
    assertThat(s.entries(1, 0)).isEmpty();
    assertThatThrownBy(() -> s.entries(1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the stored log [1, 0]");
    assertThatThrownBy(() -> s.term(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyWritesChangeNothing() {
    LogStore s = store();
    s.write(List.of());
    s.write(List.of(batch(List.of())));
    assertThat(s.hardState()).isEqualTo(HardState.INITIAL);
    assertThat(s.lastIndex()).isZero();
  }

  // ---- writes --------------------------------------------------------------------------------

  @Test
  void writesHardStateAndEntries() {
    LogStore s = store();
    List<Entry> written = concat(List.of(Entry.noop(1, 1)), run(2, 3, 1));
    s.write(List.of(batch(hs(1, 1, 2), written)));

    assertThat(s.hardState()).isEqualTo(hs(1, 1, 2));
    assertThat(s.firstIndex()).isEqualTo(1);
    assertThat(s.lastIndex()).isEqualTo(3);
    assertThat(s.entries(1, 3)).containsExactlyElementsOf(written);
    assertThat(s.entries(2, 2)).containsExactly(e(2, 1));
    assertThat(s.entries(1, 1).get(0).type()).isEqualTo(Entry.Type.NOOP);
    assertThat(s.term(3)).isEqualTo(1);
  }

  @Test
  void hardStateAloneAndEntriesAloneLeaveTheOtherPart() {
    LogStore s = store();
    s.write(List.of(batch(hs(2, 3, 0), List.of())));
    assertThat(s.hardState()).isEqualTo(hs(2, 3, 0));
    assertThat(s.lastIndex()).isZero();

    s.write(List.of(batch(run(1, 2, 2))));
    assertThat(s.hardState()).isEqualTo(hs(2, 3, 0));
    assertThat(all(s)).containsExactlyElementsOf(run(1, 2, 2));
  }

  @Test
  void writesAppendAcrossCalls() {
    LogStore s = store();
    s.write(List.of(batch(hs(1, 1, 0), run(1, 2, 1))));
    s.write(List.of(batch(hs(1, 1, 2), run(3, 5, 1))));
    assertThat(all(s)).containsExactlyElementsOf(run(1, 5, 1));
    assertThat(s.hardState().commit()).isEqualTo(2);
  }

  @Test
  void dataAndEmptyPayloadsRoundTrip() {
    LogStore s = store();
    byte[] big = new byte[70_000];
    for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
    List<Entry> written = List.of(Entry.command(1, 1, new byte[0]), Entry.command(2, 1, big), Entry.noop(3, 300));
    s.write(List.of(batch(hs(300, 0, 0), written)));
    assertThat(all(s)).containsExactlyElementsOf(written);
    assertThat(s.term(3)).isEqualTo(300);
  }

  // ---- truncate and append -------------------------------------------------------------------

  @Test
  void entriesReplaceEverythingFromTheirFirstIndex() {
    LogStore s = store();
    s.write(List.of(batch(hs(1, 1, 2), run(1, 5, 1))));

    s.write(List.of(batch(hs(2, 2, 2), run(4, 4, 2)))); // a new leader's shorter log wins
    assertThat(s.lastIndex()).isEqualTo(4);
    assertThat(all(s)).containsExactlyElementsOf(concat(run(1, 3, 1), run(4, 4, 2)));
    assertThat(s.term(4)).isEqualTo(2);
    assertThat(s.term(3)).isEqualTo(1);

    s.write(List.of(batch(hs(3, 3, 2), run(3, 6, 3)))); // and a later one's longer log
    assertThat(all(s)).containsExactlyElementsOf(concat(run(1, 2, 1), run(3, 6, 3)));
  }

  @Test
  void severalBatchesInOneWriteApplyInOrder() {
    LogStore s = store();
    s.write(List.of(batch(hs(1, 1, 1), run(1, 3, 1))));

    s.write(List.of(
        batch(hs(1, 1, 2), run(4, 8, 1)), // appends 4..8
        batch(hs(2, 2, 2), run(6, 6, 2)), // drops 6..8 that the batch before appended
        batch(run(7, 7, 2)),
        batch(hs(3, 0, 2), run(3, 4, 3)))); // drops stored 3 and the appended 4..7

    assertThat(s.hardState()).isEqualTo(hs(3, 0, 2));
    assertThat(s.lastIndex()).isEqualTo(4);
    assertThat(all(s)).containsExactlyElementsOf(concat(run(1, 2, 1), run(3, 4, 3)));
    assertThat(s.term(4)).isEqualTo(3);
  }

  @Test
  void laterBatchMayReplaceAllOfAnEarlierBatch() {
    LogStore s = store();
    s.write(List.of(batch(hs(1, 1, 0), run(1, 2, 1)), batch(hs(2, 2, 0), run(1, 1, 2))));
    assertThat(all(s)).containsExactly(e(1, 2));
  }

  // ---- refused writes ------------------------------------------------------------------------

  /** Store state before each refused write: 1..5 (terms 1,1,1,2,2), hard state term 2 vote 1 commit 3, compacted to 1. */
  private static LogStore prepared(LogStore s) {
    s.write(List.of(batch(hs(2, 1, 3), concat(run(1, 3, 1), run(4, 5, 2)))));
    s.compactPrefix(1);
    return s;
  }

  static Stream<Arguments> refusedWrites() {
    return Stream.of(
        refused("gap after the last entry", batch(run(7, 7, 2)), "would leave a gap after the last entry 5"),
        refused("indexes not contiguous", batch(List.of(e(6, 2), e(8, 2))), "entry 8 follows entry 6"),
        refused("terms decreasing in a batch", batch(List.of(e(6, 2), e(7, 1))), "entry 7 has term 1"),
        refused("term below the entry before", batch(run(6, 6, 1)), "entry 6 has term 1, below the term 2"),
        refused("rewrite of a committed entry", batch(run(3, 3, 2)), "would replace a committed entry"),
        refused("rewrite of the compacted prefix", batch(run(1, 1, 2)), "compacted prefix"),
        refused("commit beyond the log", batch(hs(2, 1, 9), List.of()), "commit index 9 is beyond the last entry 5"),
        refused("entry term above hard state term", batch(run(6, 6, 3)), "above the hard state's term 2"),
        refused("term going back", batch(hs(1, 1, 3), List.of()), "term would go back from 2 to 1"),
        refused("vote changing within a term", batch(hs(2, 7, 3), List.of()), "vote in term 2 would change from 1 to 7"),
        refused("commit going back", batch(hs(2, 1, 2), List.of()), "commit index would go back from 3 to 2"),
        // atomicity: a bad batch after a good one refuses the whole call
        refused("bad second batch", List.of(batch(hs(2, 1, 4), run(6, 6, 2)), batch(run(9, 9, 2))), "batch 1"));
  }

  private static Arguments refused(String name, LogWrite w, String message) {
    return refused(name, List.of(w), message);
  }

  private static Arguments refused(String name, List<LogWrite> ws, String message) {
    return Arguments.of(name, ws, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedWrites")
  void refusedWritesLeaveTheStoreUntouched(String name, List<LogWrite> writes, String message) {
    LogStore s = prepared(store());
    List<Entry> before = all(s);

    assertThatThrownBy(() -> s.write(writes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);

    assertThat(s.hardState()).isEqualTo(hs(2, 1, 3));
    assertThat(s.firstIndex()).isEqualTo(2);
    assertThat(s.lastIndex()).isEqualTo(5);
    assertThat(all(s)).containsExactlyElementsOf(before);
    s.write(List.of(batch(run(6, 6, 2)))); // and it is still usable
    assertThat(s.lastIndex()).isEqualTo(6);
  }

  @Test
  void aNewTermMayChangeTheVoteAndUncommittedEntriesMayBeReplaced() {
    LogStore s = prepared(store());
    s.write(List.of(batch(hs(3, 7, 3), run(4, 4, 3))));
    assertThat(s.hardState()).isEqualTo(hs(3, 7, 3));
    assertThat(s.lastIndex()).isEqualTo(4);
  }

  // ---- reads ---------------------------------------------------------------------------------

  @Test
  void entriesOutsideTheStoredRangeAreRefused() {
    LogStore s = store();
    s.write(List.of(batch(hs(1, 1, 0), run(1, 5, 1))));

    List<Consumer<LogStore>> outside = List.of(
        x -> x.entries(0, 2), x -> x.entries(1, 6), x -> x.entries(6, 6), x -> x.entries(4, 2), x -> x.entries(-1, 0));
    for (Consumer<LogStore> read : outside) {
      assertThatThrownBy(() -> read.accept(s)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("outside the stored log [1, 5]");
    }
    assertThat(s.entries(3, 2)).isEmpty();
    assertThat(s.entries(6, 5)).isEmpty();
    assertThat(s.entries(1, 5)).hasSize(5);
    assertThat(s.entries(5, 5)).containsExactly(e(5, 1));
    assertThatThrownBy(() -> s.term(6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.term(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- compaction ----------------------------------------------------------------------------

  @Test
  void compactPrefixDropsEntriesAndKeepsTheTermOfTheLastDropped() {
    LogStore s = store();
    s.write(List.of(batch(hs(3, 1, 8), concat(run(1, 4, 1), concat(run(5, 7, 2), run(8, 10, 3))))));

    s.compactPrefix(6);

    assertThat(s.firstIndex()).isEqualTo(7);
    assertThat(s.lastIndex()).isEqualTo(10);
    assertThat(s.term(6)).isEqualTo(2);
    assertThat(s.term(7)).isEqualTo(2);
    assertThat(s.term(8)).isEqualTo(3);
    assertThat(all(s)).containsExactlyElementsOf(concat(run(7, 7, 2), run(8, 10, 3)));
    assertThatThrownBy(() -> s.entries(6, 7)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the stored log [7, 10]");
    assertThatThrownBy(() -> s.term(5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(s.hardState()).isEqualTo(hs(3, 1, 8));
  }

  // ---- continuing after an installed snapshot (Figure 13 rules 6 and 7) ----------------------

  @Test
  void aSnapshotThatMatchesTheLogKeepsTheEntriesAfterIt() {
    LogStore s = store();
    s.write(List.of(batch(hs(2, 1, 3), concat(run(1, 4, 1), run(5, 8, 2)))));
    s.continueAfterSnapshot(5, 2);
    assertThat(s.firstIndex()).isEqualTo(6);
    assertThat(s.term(5)).isEqualTo(2);
    assertThat(all(s)).containsExactlyElementsOf(run(6, 8, 2));
  }

  @Test
  void aSnapshotThatConflictsWithTheLogReplacesItAndTheLogGrowsAfterIt() {
    LogStore s = store();
    s.write(List.of(batch(hs(2, 1, 3), concat(run(1, 4, 1), run(5, 8, 2)))));
    s.continueAfterSnapshot(6, 3); // the leader's entry 6 has term 3: ours are stale from 5 on
    assertThat(s.firstIndex()).isEqualTo(7);
    assertThat(s.lastIndex()).isEqualTo(6);
    assertThat(s.term(6)).isEqualTo(3);
    assertThat(all(s)).isEmpty();
    s.write(List.of(batch(hs(3, 0, 7), run(7, 7, 3))));
    assertThat(all(s)).containsExactlyElementsOf(run(7, 7, 3));

    s.continueAfterSnapshot(20, 4); // beyond the log
    assertThat(s.firstIndex()).isEqualTo(21);
    assertThat(s.term(20)).isEqualTo(4);
    s.continueAfterSnapshot(10, 4); // older than what is there: nothing to do
    assertThat(s.firstIndex()).isEqualTo(21);
  }

  @Test
  void aSnapshotMayNotReplaceCommittedEntriesItDoesNotCover() {
    LogStore s = store();
    s.write(List.of(batch(hs(2, 1, 6), concat(run(1, 4, 1), run(5, 8, 2)))));
    assertThatThrownBy(() -> s.continueAfterSnapshot(5, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("committed up to 6");
    assertThat(all(s)).hasSize(8);
  }

  @Test
  void compactingAgainOrBehindIsHarmlessAndBeyondTheLogIsRefused() {
    LogStore s = store();
    s.write(List.of(batch(hs(1, 1, 5), run(1, 5, 1))));
    s.compactPrefix(3);
    s.compactPrefix(3);
    s.compactPrefix(2);
    assertThat(s.firstIndex()).isEqualTo(4);
    assertThatThrownBy(() -> s.compactPrefix(6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the log ends at 5");
    assertThat(s.firstIndex()).isEqualTo(4);
  }

  @Test
  void compactingEverythingLeavesAnEmptyLogThatGrowsAgain() {
    LogStore s = store();
    s.write(List.of(batch(hs(2, 1, 5), concat(run(1, 3, 1), run(4, 5, 2)))));
    s.compactPrefix(5);

    assertThat(s.firstIndex()).isEqualTo(6);
    assertThat(s.lastIndex()).isEqualTo(5);
    assertThat(s.term(5)).isEqualTo(2);
    assertThat(all(s)).isEmpty();
    assertThatThrownBy(() -> s.write(List.of(batch(run(6, 6, 1))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below the term 2");

    s.write(List.of(batch(hs(2, 1, 6), run(6, 7, 2))));
    assertThat(all(s)).containsExactlyElementsOf(run(6, 7, 2));
    assertThat(s.firstIndex()).isEqualTo(6);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Test
  void closeIsIdempotentAndAClosedStoreRefusesUse() {
    LogStore s = store();
    s.close();
    s.close();
    assertThatThrownBy(s::lastIndex).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.write(List.of(batch(run(1, 1, 1))))).isInstanceOf(IllegalStateException.class);
    assertThat(s.identity()).isEqualTo(ID);
  }
}
