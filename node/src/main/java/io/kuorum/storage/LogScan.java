package io.kuorum.storage;

import io.kuorum.raft.HardState;
import java.util.Iterator;
import java.util.Map;

/**
 * The open-time check of a stored log: every entry passes its checksum, indexes run without a gap
 * from the compaction point on, terms never decrease and never exceed the hard state's term, and the
 * commit index lies within the log. One sequential pass; it also builds the term index.
 */
final class LogScan {

  /** What the scan found: the last stored index and the terms of every stored entry. */
  record Result(long lastIndex, TermRuns terms) {}

  private LogScan() {}

  static Result verify(Iterator<Map.Entry<Long, byte[]>> log, CompactionPoint compacted, HardState hardState) {
    TermRuns terms = new TermRuns();
    long expected = compacted.index() + 1;
    long prevTerm = compacted.term();
    if (prevTerm > hardState.term()) {
      throw new CorruptRecordException("the compacted entry " + compacted.index() + " has term " + prevTerm
          + ", above the hard state's term " + hardState.term());
    }
    while (log.hasNext()) {
      Map.Entry<Long, byte[]> stored = log.next();
      long index = stored.getKey();
      if (index != expected) {
        throw new CorruptRecordException(index < expected
            ? "entry " + index + " lies before " + expected + ", in the compacted prefix or out of order"
            : "the log has a gap: entries " + expected + " to " + (index - 1) + " are missing");
      }
      long term = EntryCodec.verifiedTerm(index, stored.getValue());
      if (term < prevTerm) {
        throw new CorruptRecordException("entry " + index + " has term " + term + ", below the term " + prevTerm
            + " of the entry before it");
      }
      if (term > hardState.term()) {
        throw new CorruptRecordException("entry " + index + " has term " + term + ", above the hard state's term "
            + hardState.term());
      }
      terms.append(index, term);
      prevTerm = term;
      expected++;
    }
    long last = expected - 1;
    if (hardState.commit() > last) {
      throw new CorruptRecordException("the commit index " + hardState.commit() + " is beyond the last entry " + last);
    }
    return new Result(last, terms);
  }
}
