package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Consecutive {@link WritePlan}s folded into one write with the same effect: the latest hard state,
 * and the entries from the lowest index any of them replaced. What a journal epoch adds to the log, and
 * so what one checkpoint writes to the MapDB store. Not thread-safe; handed over whole.
 */
final class FoldedWrites {

  private long start;
  private final List<Entry> tail = new ArrayList<>();
  private Optional<HardState> hardState = Optional.empty();

  void add(WritePlan plan) {
    plan.hardState().ifPresent(hs -> hardState = Optional.of(hs));
    if (plan.append().isEmpty()) return;
    long from = plan.replaceFrom();
    if (tail.isEmpty() || from < start) {
      tail.clear();
      start = from;
    } else {
      tail.subList((int) Math.min(from - start, tail.size()), tail.size()).clear();
    }
    tail.addAll(plan.append());
  }

  boolean isEmpty() {
    return tail.isEmpty() && hardState.isEmpty();
  }

  int entryCount() {
    return tail.size();
  }

  /** The folded effect as one write, valid against the store as it was before the first plan. */
  LogWrite asWrite() {
    return new LogWrite(hardState, tail);
  }

  /**
   * The part of the folded effect that {@code store} does not hold yet, as one write; empty if it holds
   * all of it. Entries the store already has with the same term are skipped (as AppendEntries does,
   * §5.3) and so are compacted ones, so folding an epoch onto a store that a checkpoint of that epoch
   * already reached changes nothing. Used when a journal is replayed after a stop.
   */
  Optional<LogWrite> missingFrom(LogStore store) {
    int skip = 0;
    for (Entry e : tail) {
      long i = e.index();
      boolean held = i < store.firstIndex() || (i <= store.lastIndex() && store.term(i) == e.term());
      if (!held) break;
      skip++;
    }
    List<Entry> rest = tail.subList(skip, tail.size());
    if (rest.isEmpty() && !tail.isEmpty() && tail.get(tail.size() - 1).index() < store.lastIndex()) {
      // the store holds entries the folded writes dropped: rewrite the last one, which drops those after it
      rest = tail.subList(tail.size() - 1, tail.size());
    }
    Optional<HardState> hs = hardState.filter(h -> !h.equals(store.hardState()));
    if (rest.isEmpty() && hs.isEmpty()) return Optional.empty();
    return Optional.of(new LogWrite(hs, rest));
  }
}
