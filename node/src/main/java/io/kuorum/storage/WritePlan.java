package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The net effect of one {@link LogStore#write} call, checked against the store's current state before
 * anything is written: drop the stored entries from {@code replaceFrom} on, append {@code append}
 * (which starts at {@code replaceFrom}), and set {@code hardState} if present. Folding the batches into
 * one effect is what lets a store make all of them durable with a single commit.
 *
 * <p>Writes that would break a Raft invariant are refused with {@link IllegalArgumentException} and
 * leave the store untouched: a gap or disorder in indexes, decreasing terms, rewriting a compacted or
 * committed entry, a commit index beyond the log, an entry term above the hard state's term, and a hard
 * state whose term or commit goes back or whose vote changes within a term.
 */
record WritePlan(long replaceFrom, List<Entry> append, Optional<HardState> hardState) {

  boolean isEmpty() {
    return append.isEmpty() && hardState.isEmpty();
  }

  static WritePlan of(LogStore current, List<LogWrite> batches) {
    return new Builder(current).addAll(batches).build();
  }

  /** The log as it will be after the batches folded so far: stored entries before {@code start}, then {@code tail}. */
  private static final class Builder {
    private final LogStore current;
    private final long firstIndex;
    private long start;
    private final List<Entry> tail = new ArrayList<>();
    private HardState hardState;
    private Optional<HardState> newHardState = Optional.empty();

    Builder(LogStore current) {
      this.current = current;
      this.firstIndex = current.firstIndex();
      this.start = current.lastIndex() + 1;
      this.hardState = current.hardState();
    }

    Builder addAll(List<LogWrite> batches) {
      for (int b = 0; b < batches.size(); b++) add(b, batches.get(b));
      return this;
    }

    private void add(int b, LogWrite w) {
      long commitBefore = hardState.commit();
      if (w.hardState().isPresent()) {
        HardState next = w.hardState().get();
        checkHardState(b, hardState, next);
        hardState = next;
        newHardState = w.hardState();
      }
      if (!w.entries().isEmpty()) append(b, w.entries(), commitBefore);
      long last = lastIndex();
      if (hardState.commit() > last) {
        throw refused(b, "commit index %d is beyond the last entry %d", hardState.commit(), last);
      }
      if (termAt(last) > hardState.term()) {
        throw refused(b, "entry %d has term %d, above the hard state's term %d", last, termAt(last), hardState.term());
      }
    }

    private void append(int b, List<Entry> entries, long commitBefore) {
      for (int i = 1; i < entries.size(); i++) {
        Entry prev = entries.get(i - 1);
        Entry e = entries.get(i);
        if (e.index() != prev.index() + 1) throw refused(b, "entry %d follows entry %d", e.index(), prev.index());
        if (e.term() < prev.term()) throw refused(b, "entry %d has term %d, below the term %d before it", e.index(), e.term(), prev.term());
      }
      Entry head = entries.get(0);
      long at = head.index();
      long last = lastIndex();
      if (at < firstIndex) throw refused(b, "entry %d is in the compacted prefix (the log starts at %d)", at, firstIndex);
      if (at > last + 1) throw refused(b, "entry %d would leave a gap after the last entry %d", at, last);
      if (at <= last && at <= commitBefore) {
        throw refused(b, "entry %d would replace a committed entry (commit index %d)", at, commitBefore);
      }
      if (head.term() < termAt(at - 1)) {
        throw refused(b, "entry %d has term %d, below the term %d before it", at, head.term(), termAt(at - 1));
      }
      if (at < start) {
        tail.clear();
        start = at;
      } else {
        tail.subList((int) (at - start), tail.size()).clear();
      }
      tail.addAll(entries);
    }

    private long lastIndex() {
      return start + tail.size() - 1;
    }

    private long termAt(long index) {
      return index >= start ? tail.get((int) (index - start)).term() : current.term(index);
    }

    private static void checkHardState(int b, HardState prev, HardState next) {
      if (next.term() < prev.term()) throw refused(b, "hard state term would go back from %d to %d", prev.term(), next.term());
      boolean voteChanged = prev.votedFor() != HardState.NONE && next.votedFor() != prev.votedFor();
      if (next.term() == prev.term() && voteChanged) {
        throw refused(b, "the vote in term %d would change from %d to %d", prev.term(), prev.votedFor(), next.votedFor());
      }
      if (next.commit() < prev.commit()) throw refused(b, "commit index would go back from %d to %d", prev.commit(), next.commit());
    }

    private static IllegalArgumentException refused(int batch, String format, Object... args) {
      return new IllegalArgumentException("write refused, batch " + batch + ": " + String.format(format, args));
    }

    WritePlan build() {
      return new WritePlan(start, List.copyOf(tail), newHardState);
    }
  }
}
