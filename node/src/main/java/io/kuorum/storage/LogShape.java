package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;

/**
 * What a store knows of its log without reading it: the hard state, the compaction point, the last
 * index and every entry's term (in {@link TermRuns}). Kept in memory by each store so that bounds, terms
 * and the checks of {@link WritePlan} never touch the files. Not thread-safe.
 */
final class LogShape {

  private HardState hardState;
  private CompactionPoint compacted;
  private long lastIndex;
  private final TermRuns terms;

  LogShape(HardState hardState, CompactionPoint compacted, long lastIndex, TermRuns terms) {
    this.hardState = hardState;
    this.compacted = compacted;
    this.lastIndex = lastIndex;
    this.terms = terms;
  }

  /** The shape of {@code store}'s log, every term read from it. */
  static LogShape of(LogStore store) {
    long first = store.firstIndex();
    TermRuns terms = new TermRuns();
    for (long i = first; i <= store.lastIndex(); i++) terms.append(i, store.term(i));
    return new LogShape(store.hardState(), new CompactionPoint(first - 1, store.term(first - 1)), store.lastIndex(), terms);
  }

  HardState hardState() {
    return hardState;
  }

  CompactionPoint compacted() {
    return compacted;
  }

  long firstIndex() {
    return compacted.index() + 1;
  }

  long lastIndex() {
    return lastIndex;
  }

  /** See {@link LogStore#term}. */
  long term(long index) {
    if (index == compacted.index()) return compacted.term();
    Ranges.checkTerm(index, firstIndex(), lastIndex);
    return terms.term(index);
  }

  /** The log after {@code plan}, a write already checked against it. */
  void applied(WritePlan plan) {
    if (!plan.append().isEmpty()) {
      terms.truncateFrom(plan.replaceFrom());
      for (Entry e : plan.append()) terms.append(e.index(), e.term());
      lastIndex = plan.replaceFrom() + plan.append().size() - 1;
    }
    plan.hardState().ifPresent(hs -> hardState = hs);
  }

  /** Entries up to {@code point} were dropped. */
  void compactedTo(CompactionPoint point) {
    compacted = point;
    terms.dropBefore(point.index() + 1);
  }

  /** Every entry was dropped: the log continues right after {@code point} (a snapshot that conflicted with it). */
  void restartedAfter(CompactionPoint point) {
    compacted = point;
    terms.truncateFrom(0);
    lastIndex = point.index();
  }
}
