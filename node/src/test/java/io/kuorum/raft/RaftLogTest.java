package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tables use a compact notation for logs: "1,1,2" is the log 1@1, 2@1, 3@2 (the term of each index
 * from 1), and "4@3,5@3" lists entries as index@term.
 */
class RaftLogTest {

  // ------------------------------------------------------------------ term / matchTerm

  @ParameterizedTest(name = "term({0}) = {1}")
  @CsvSource({"0,0", "1,1", "2,1", "3,2", "4,3", "5,3"})
  void termOfEachIndex(long index, long term) {
    assertThat(log("1,1,2,3,3").term(index)).isEqualTo(term);
  }

  @ParameterizedTest(name = "term({0}) throws")
  @CsvSource({"6", "-1", "100"})
  void termOutsideTheLogThrows(long index) {
    RaftLog log = log("1,1,2,3,3");
    assertThatThrownBy(() -> log.term(index)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @ParameterizedTest(name = "matchTerm({0}, {1}) = {2}")
  @CsvSource({
      "0, 0, true",   // the empty prefix matches everyone's (§5.3, prevLogIndex 0)
      "0, 1, false",
      "1, 1, true",
      "3, 2, true",
      "3, 1, false",
      "3, 3, false",
      "5, 3, true",
      "6, 3, false",  // beyond our log: no match, no exception
      "6, 0, false",
  })
  void matchTerm(long index, long term, boolean expected) {
    assertThat(log("1,1,2,3,3").matchTerm(index, term)).isEqualTo(expected);
  }

  // ------------------------------------------------------------------ §5.4.1 election restriction

  /** Our log ends at index 5, term 3. */
  @ParameterizedTest(name = "candidate last ({0}, term {1}) up to date: {2}")
  @CsvSource({
      "5,   3, true",   // identical
      "6,   3, true",   // same last term, longer log
      "4,   3, false",  // same last term, shorter log
      "1,   4, true",   // higher last term wins however short
      "100, 2, false",  // lower last term loses however long
      "5,   2, false",
      "0,   0, false",
  })
  void isUpToDate(long lastIndex, long lastTerm, boolean expected) {
    assertThat(log("1,1,2,3,3").isUpToDate(lastIndex, lastTerm)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "empty log: candidate ({0}, {1}) up to date")
  @CsvSource({"0,0", "1,1", "7,2"})
  void everyLogIsAsUpToDateAsAnEmptyOne(long lastIndex, long lastTerm) {
    assertThat(log("").isUpToDate(lastIndex, lastTerm)).isTrue();
  }

  // ------------------------------------------------------------------ findConflictByTerm

  /** Log 1@1 2@1 3@2 4@2 5@2 6@4 7@4: largest index <= index whose term <= term. */
  @ParameterizedTest(name = "findConflictByTerm({0}, {1}) = {2}")
  @CsvSource({
      "7,  4, 7",
      "7,  5, 7",
      "7,  3, 5",  // skips the whole term-4 run
      "7,  2, 5",
      "7,  1, 2",
      "7,  0, 0",
      "5,  2, 5",
      "5,  1, 2",
      "4,  2, 4",
      "2,  1, 2",
      "10, 3, 5",  // an index beyond our log is clamped to our last index
      "10, 9, 7",
      "0,  0, 0",
      "0,  5, 0",
  })
  void findConflictByTerm(long index, long term, long expected) {
    assertThat(log("1,1,2,2,2,4,4").findConflictByTerm(index, term)).isEqualTo(expected);
  }

  @Test
  void findConflictByTermOnAnEmptyLogIsZero() {
    assertThat(log("").findConflictByTerm(5, 3)).isZero();
  }

  // ------------------------------------------------------------------ slice

  /** Five entries of 100 bytes each (76 payload + 24 overhead). */
  @ParameterizedTest(name = "slice(from {0}, max {1} entries, {2} bytes) = {3}")
  @CsvSource(delimiter = '|', textBlock = """
      1 | 10 | 1000 | 1,2,3,4,5
      1 | 2  | 1000 | 1,2
      3 | 1  | 1000 | 3
      2 | 10 | 250  | 2,3
      2 | 10 | 300  | 2,3,4
      2 | 10 | 299  | 2,3
      # at least one entry, even if it alone exceeds the byte bound
      1 | 10 | 99   | 1
      1 | 10 | 1    | 1
      5 | 10 | 1000 | 5
      6 | 10 | 1000 |
      """)
  void sliceByCountAndBytes(long from, int maxCount, long maxBytes, String expectedIndexes) {
    List<Entry> entries = new ArrayList<>();
    for (long i = 1; i <= 5; i++) entries.add(Entry.command(i, 1, new byte[76]));
    assertThat(entries.get(0).sizeBytes()).isEqualTo(100);
    RaftLog log = new RaftLog(entries, 0, 0);

    assertThat(log.slice(from, maxCount, maxBytes)).extracting(Entry::index).containsExactlyElementsOf(indexes(expectedIndexes));
  }

  @Test
  void sliceStopsAtAnOversizedEntryRatherThanSkippingIt() {
    // A batch must be contiguous: the follower appends after prevLogIndex.
    RaftLog log = new RaftLog(List.of(
        Entry.command(1, 1, new byte[26]),   // 50 bytes
        Entry.command(2, 1, new byte[476]),  // 500 bytes
        Entry.command(3, 1, new byte[26])), 0, 0);
    assertThat(log.slice(1, 10, 100)).extracting(Entry::index).containsExactly(1L);
    assertThat(log.slice(2, 10, 100)).extracting(Entry::index).containsExactly(2L);
  }

  // ------------------------------------------------------------------ appendFromLeader (§5.3)

  static Stream<Arguments> appendFromLeaderCases() {
    return Stream.of(
        // log 1,1,2,2,2 throughout; (prevIndex, incoming, resulting terms)
        Arguments.of("new entries at the end", 5, "6@3,7@3", "1,1,2,2,2,3,3"),
        Arguments.of("empty append at the end", 5, "", "1,1,2,2,2"),
        Arguments.of("stale empty append does not truncate", 2, "", "1,1,2,2,2"),
        Arguments.of("duplicate of entries we hold does not shorten", 2, "3@2,4@2", "1,1,2,2,2"),
        Arguments.of("full duplicate", 0, "1@1,2@1,3@2,4@2,5@2", "1,1,2,2,2"),
        Arguments.of("matching prefix then new entries", 3, "4@2,5@2,6@3", "1,1,2,2,2,3"),
        Arguments.of("conflict truncates everything after it", 3, "4@3", "1,1,2,3"),
        Arguments.of("conflict then more", 3, "4@3,5@3,6@3", "1,1,2,3,3,3"),
        Arguments.of("matching then conflict", 2, "3@2,4@3", "1,1,2,3"),
        Arguments.of("conflict at the first entry", 0, "1@4", "4"),
        Arguments.of("conflict at the last entry", 4, "5@3", "1,1,2,2,3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appendFromLeaderCases")
  void appendFromLeader(String why, long prevIndex, String incoming, String expectedTerms) {
    RaftLog log = log("1,1,2,2,2");
    log.appendFromLeader(prevIndex, entries(incoming));
    assertThat(log.entries()).containsExactlyElementsOf(terms(expectedTerms));
  }

  @Test
  void entriesThatDoNotFollowThePreviousIndexAreRefused() {
    RaftLog log = log("1");
    assertThatThrownBy(() -> log.appendFromLeader(5, entries("6@1"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.appendFromLeader(1, entries("3@1"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(log.entries()).containsExactlyElementsOf(terms("1"));
  }

  @Test
  void aDelayedOlderMessageNeverShortensTheLog() {
    // The leader sent [2..3] then [4..5]; the first arrives again after the second.
    RaftLog log = log("1");
    log.appendFromLeader(1, entries("2@1,3@1"));
    log.appendFromLeader(3, entries("4@2,5@2"));
    log.appendFromLeader(1, entries("2@1,3@1"));
    assertThat(log.entries()).containsExactlyElementsOf(terms("1,1,1,2,2"));
  }

  @ParameterizedTest(name = "commit {0}, conflict at {1}")
  @CsvSource({"3,3", "3,1", "5,5", "5,4"})
  void refusesToTruncateACommittedEntry(long committed, long conflictAt) {
    // Leader completeness (§5.4): no legitimate leader can conflict with a committed entry.
    RaftLog log = new RaftLog(terms("1,1,2,2,2"), committed, 0);
    assertThatThrownBy(() -> log.appendFromLeader(conflictAt - 1, entries(conflictAt + "@9")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(log.entries()).containsExactlyElementsOf(terms("1,1,2,2,2"));
  }

  @Test
  void truncatesJustAboveTheCommitIndex() {
    RaftLog log = new RaftLog(terms("1,1,2,2,2"), 3, 0);
    log.appendFromLeader(3, entries("4@3"));
    assertThat(log.entries()).containsExactlyElementsOf(terms("1,1,2,3"));
    assertThat(log.committed()).isEqualTo(3);
  }

  @Test
  void matchingCommittedEntriesAreSkippedNotTruncated() {
    RaftLog log = new RaftLog(terms("1,1,2,2,2"), 5, 0);
    log.appendFromLeader(0, entries("1@1,2@1,3@2,4@2,5@2,6@3"));
    assertThat(log.entries()).containsExactlyElementsOf(terms("1,1,2,2,2,3"));
  }

  // ------------------------------------------------------------------ durability: takeUnstable / persistedTo

  @Test
  void aRestoredLogIsAllDurable() {
    RaftLog log = log("1,1,2");
    assertThat(log.persisted()).isEqualTo(3);
    assertThat(log.takeUnstable()).isEmpty();
  }

  @Test
  void newEntriesAreHandedToStorageOnceAndPersistedWhenConfirmed() {
    RaftLog log = log("1,1");
    log.append(Entry.noop(3, 2));
    log.append(Entry.noop(4, 2));

    assertThat(log.takeUnstable()).extracting(Entry::index).containsExactly(3L, 4L);
    assertThat(log.takeUnstable()).as("already handed out").isEmpty();
    assertThat(log.persisted()).isEqualTo(2);

    log.append(Entry.noop(5, 2));
    assertThat(log.takeUnstable()).extracting(Entry::index).containsExactly(5L);

    log.persistedTo(4, 2);
    assertThat(log.persisted()).isEqualTo(4);
    log.persistedTo(3, 2); // a late, smaller confirmation does not move it back
    assertThat(log.persisted()).isEqualTo(4);
    log.persistedTo(9, 2); // nothing there
    assertThat(log.persisted()).isEqualTo(4);
    log.persistedTo(5, 2);
    assertThat(log.persisted()).isEqualTo(5);
  }

  @Test
  void appendRejectsAGap() {
    RaftLog log = log("1,1");
    assertThatThrownBy(() -> log.append(Entry.noop(4, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.append(Entry.noop(2, 2))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncationLowersPersistedAndRehandsTheReplacement() {
    RaftLog log = log("1,1,2,2");
    log.appendFromLeader(2, entries("3@3"));
    assertThat(log.persisted()).isEqualTo(2);
    assertThat(log.takeUnstable()).containsExactlyElementsOf(entries("3@3"));
  }

  @Test
  void persistedToIsIgnoredOnceATruncationReplacedTheEntry() {
    RaftLog log = log("1,1");
    log.appendFromLeader(2, entries("3@1,4@1"));
    assertThat(log.takeUnstable()).containsExactlyElementsOf(entries("3@1,4@1")); // write W1 in progress

    log.appendFromLeader(2, entries("3@2")); // a new leader replaces index 3 before W1 completes
    assertThat(log.takeUnstable()).containsExactlyElementsOf(entries("3@2")); // write W2

    log.persistedTo(4, 1); // W1 completes: index 4 is gone
    assertThat(log.persisted()).isEqualTo(2);
    log.persistedTo(3, 1); // ...and index 3 now holds another term
    assertThat(log.persisted()).isEqualTo(2);
    log.persistedTo(3, 2); // W2 completes
    assertThat(log.persisted()).isEqualTo(3);
  }

  @Test
  void persistedToIsIgnoredEvenWhenTheLogRegrewPastTheIndex() {
    RaftLog log = log("1,1");
    log.appendFromLeader(2, entries("3@1,4@1"));
    log.takeUnstable();
    log.appendFromLeader(2, entries("3@2,4@2,5@2"));
    log.takeUnstable();

    log.persistedTo(4, 1); // the old write's confirmation must not vouch for the new 4@2
    assertThat(log.persisted()).isEqualTo(2);
    log.persistedTo(5, 2);
    assertThat(log.persisted()).isEqualTo(5);
  }

  // ------------------------------------------------------------------ state machine: takeCommitted / appliedTo

  @Test
  void committedEntriesAreHandedOutOnceInOrder() {
    RaftLog log = log("1,1,2,2,2");
    assertThat(log.takeCommitted()).isEmpty();

    log.commitTo(3);
    assertThat(log.takeCommitted()).extracting(Entry::index).containsExactly(1L, 2L, 3L);
    assertThat(log.takeCommitted()).isEmpty();
    assertThat(log.applied()).as("handed out is not applied").isZero();

    log.commitTo(2); // the commit index never moves back
    assertThat(log.committed()).isEqualTo(3);
    log.commitTo(5);
    assertThat(log.takeCommitted()).extracting(Entry::index).containsExactly(4L, 5L);
  }

  @Test
  void appliedToMovesForwardOnlyAndOnlyOverWhatWasHandedOut() {
    RaftLog log = log("1,1,2,2,2");
    log.commitTo(5);
    log.takeCommitted();

    log.appliedTo(3);
    assertThat(log.applied()).isEqualTo(3);
    log.appliedTo(2);
    assertThat(log.applied()).isEqualTo(3);
    log.appliedTo(5);
    assertThat(log.applied()).isEqualTo(5);
    assertThatThrownBy(() -> log.appliedTo(6)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void appliedToBeyondWhatWasHandedOutThrows() {
    RaftLog log = log("1,1,2");
    log.commitTo(3); // committed but not yet taken
    assertThatThrownBy(() -> log.appliedTo(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void commitBeyondTheLogThrows() {
    RaftLog log = log("1,1");
    assertThatThrownBy(() -> log.commitTo(3)).isInstanceOf(IllegalStateException.class);
    assertThat(log.committed()).isZero();
  }

  @Test
  void aRestoredLogDoesNotRedeliverAppliedEntries() {
    RaftLog log = new RaftLog(terms("1,1,2,2,2"), 4, 2);
    assertThat(log.committed()).isEqualTo(4);
    assertThat(log.applied()).isEqualTo(2);
    assertThat(log.takeCommitted()).extracting(Entry::index).containsExactly(3L, 4L);
  }

  // ------------------------------------------------------------------ constructor

  static Stream<Arguments> invalidStoredLogs() {
    return Stream.of(
        Arguments.of("gap", "1@1,3@1", 0, 0),
        Arguments.of("does not start at 1", "2@1", 0, 0),
        Arguments.of("repeated index", "1@1,1@1", 0, 0),
        Arguments.of("out of order", "2@1,1@1", 0, 0),
        Arguments.of("decreasing terms", "1@2,2@1", 0, 0),
        Arguments.of("decreasing terms later on", "1@1,2@3,3@3,4@2", 0, 0),
        Arguments.of("commit beyond the log", "1@1", 2, 0),
        Arguments.of("commit on an empty log", "", 1, 0),
        Arguments.of("applied beyond commit", "1@1,2@1", 1, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidStoredLogs")
  void constructorRejectsInvalidStoredLogs(String why, String stored, long committed, long applied) {
    assertThatThrownBy(() -> new RaftLog(entries(stored), committed, applied))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      empty                  |                 | 0 | 0
      equal terms            | 1@1,2@1,3@1     | 3 | 3
      term jumps             | 1@1,2@3,3@7     | 2 | 1
      """)
  void constructorAcceptsValidStoredLogs(String why, String stored, long committed, long applied) {
    RaftLog log = new RaftLog(entries(stored), committed, applied);
    List<Entry> expected = entries(stored);
    assertThat(log.entries()).containsExactlyElementsOf(expected);
    assertThat(log.lastIndex()).isEqualTo(expected.size());
    assertThat(log.lastTerm()).isEqualTo(expected.isEmpty() ? 0 : expected.get(expected.size() - 1).term());
    assertThat(log.committed()).isEqualTo(committed);
    assertThat(log.applied()).isEqualTo(applied);
  }

  // ------------------------------------------------------------------ snapshots (§7)

  /** A log of terms 1,1,2,2,2,3 fully applied and durable up to 5, ready to compact. */
  private static RaftLog appliedTo5() {
    RaftLog log = new RaftLog(terms("1,1,2,2,2,3"), 5, 0);
    log.takeCommitted();
    log.appliedTo(5);
    return log;
  }

  @Test
  void compactionKeepsTheTermOfTheLastCompactedEntryAndRefusesWhatIsGone() {
    RaftLog log = appliedTo5();
    log.compactTo(4);
    assertThat(log.firstIndex()).isEqualTo(5);
    assertThat(log.lastIndex()).isEqualTo(6);
    assertThat(log.term(4)).as("anchors the next AppendEntries check").isEqualTo(2);
    assertThat(log.matchTerm(4, 2)).isTrue();
    assertThat(log.matchTerm(2, 9)).as("compacted entries are committed: they match any leader").isTrue();
    assertThat(log.findConflictByTerm(6, 1)).as("never below the snapshot").isEqualTo(4);
    assertThatThrownBy(() -> log.term(3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("compacted up to 4");
    assertThatThrownBy(() -> log.slice(4, 10, 1 << 20)).hasMessageContaining("send the snapshot");
    assertThat(log.slice(5, 10, 1 << 20)).extracting(Entry::index).containsExactly(5L, 6L);
    assertThatThrownBy(() -> log.compactTo(6)).as("not applied yet").hasMessageContaining("applied 5");
    log.compactTo(3); // behind the snapshot: nothing to do
    assertThat(log.firstIndex()).isEqualTo(5);
  }

  @Test
  void aSnapshotThatAgreesWithTheLogKeepsTheEntriesAfterIt() {
    RaftLog log = new RaftLog(terms("1,1,2,2,2,3"), 2, 0);
    assertThat(log.installSnapshot(4, 2)).isTrue();
    assertThat(log.firstIndex()).isEqualTo(5);
    assertThat(log.entries()).extracting(Entry::index).containsExactly(5L, 6L);
    assertThat(log.committed()).isEqualTo(4);
    assertThat(log.takeCommitted()).as("the snapshot holds 1..4").isEmpty();
  }

  @Test
  void entriesKeptAfterASnapshotThatWereNotHandedToStorageYetStillAre() {
    RaftLog log = new RaftLog(terms("1,1,2"), 1, 0);
    log.appendFromLeader(3, List.of(Entry.noop(4, 2), Entry.noop(5, 2), Entry.noop(6, 2)));
    assertThat(log.installSnapshot(5, 2)).isTrue();
    assertThat(log.takeUnstable()).as("6 is new to storage; 4 and 5 are in the snapshot").extracting(Entry::index)
        .containsExactly(6L);
  }

  @Test
  void aSnapshotThatConflictsWithTheLogReplacesItAndNewEntriesGoToStorageAgain() {
    RaftLog log = new RaftLog(terms("1,1,2,2,2,3"), 2, 0);
    assertThat(log.takeUnstable()).isEmpty();
    assertThat(log.installSnapshot(5, 4)).isFalse();
    assertThat(log.lastIndex()).isEqualTo(5);
    assertThat(log.entries()).isEmpty();
    assertThat(log.term(5)).isEqualTo(4);
    log.appendFromLeader(5, List.of(Entry.noop(6, 4)));
    assertThat(log.takeUnstable()).extracting(Entry::index).containsExactly(6L);
    assertThatThrownBy(() -> log.installSnapshot(5, 4)).hasMessageContaining("not newer than commit 5");
  }

  @Test
  void aLogRestoredFromASnapshotStartsAfterIt() {
    RaftLog log = new RaftLog(7, 3, entries("8@3,9@4"), 0, 0);
    assertThat(log.committed()).as("the snapshot is committed state").isEqualTo(7);
    assertThat(log.applied()).isEqualTo(7);
    assertThat(log.term(7)).isEqualTo(3);
    assertThat(log.isUpToDate(9, 4)).isTrue();
    assertThatThrownBy(() -> new RaftLog(7, 3, entries("9@4"), 0, 0)).hasMessageContaining("gap");
  }

  // ------------------------------------------------------------------ notation

  /** "1,1,2" -> entries 1@1, 2@1, 3@2. */
  private static List<Entry> terms(String csv) {
    List<Entry> out = new ArrayList<>();
    if (csv == null || csv.isBlank()) return out;
    long index = 1;
    for (String t : csv.split(",")) out.add(Entry.noop(index++, Long.parseLong(t.trim())));
    return out;
  }

  /** "4@3,5@3" -> entries 4@3, 5@3. */
  private static List<Entry> entries(String spec) {
    List<Entry> out = new ArrayList<>();
    if (spec == null || spec.isBlank()) return out;
    for (String e : spec.split(",")) {
      String[] p = e.trim().split("@");
      out.add(Entry.noop(Long.parseLong(p[0]), Long.parseLong(p[1])));
    }
    return out;
  }

  private static List<Long> indexes(String csv) {
    List<Long> out = new ArrayList<>();
    if (csv == null || csv.isBlank()) return out;
    for (String s : csv.split(",")) out.add(Long.parseLong(s.trim()));
    return out;
  }

  private static RaftLog log(String terms) {
    return new RaftLog(terms(terms), 0, 0);
  }
}
