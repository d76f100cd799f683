package io.kuorum.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The core's view of its log: every entry, which of them are committed, which are durable, and which
 * still have to be handed to storage. Indexes start at 1; index 0 is the empty prefix with term 0.
 */
final class RaftLog {

  private final ArrayList<Entry> entries = new ArrayList<>();
  private long committed;
  /** Highest index whose durability storage has confirmed. */
  private long persisted;
  /** First index not yet handed to storage in a {@link Ready}. */
  private long unstableFrom;
  /** Highest index handed to the state machine, and the highest it has confirmed. */
  private long applying;
  private long applied;

  /** A log restored from storage: everything in it is durable. */
  RaftLog(List<Entry> durable, long committed, long applied) {
    for (Entry e : durable) {
      if (e.index() != entries.size() + 1) {
        throw new IllegalArgumentException("stored log has a gap or disorder at " + e + " after index " + entries.size());
      }
      if (!entries.isEmpty() && e.term() < lastTerm()) {
        throw new IllegalArgumentException("stored log has decreasing terms at " + e);
      }
      entries.add(e);
    }
    if (committed > lastIndex()) {
      throw new IllegalArgumentException("commit index " + committed + " beyond stored log end " + lastIndex());
    }
    if (applied > committed) {
      throw new IllegalArgumentException("applied index " + applied + " beyond commit index " + committed);
    }
    this.committed = committed;
    this.persisted = lastIndex();
    this.unstableFrom = lastIndex() + 1;
    this.applying = applied;
    this.applied = applied;
  }

  long lastIndex() {
    return entries.size();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  long committed() {
    return committed;
  }

  long persisted() {
    return persisted;
  }

  long applied() {
    return applied;
  }

  /** Term of the entry at {@code index}; 0 for index 0. */
  long term(long index) {
    if (index == 0) return 0;
    if (index < 0 || index > lastIndex()) throw new IndexOutOfBoundsException("no entry " + index + " in log 1.." + lastIndex());
    return entries.get((int) (index - 1)).term();
  }

  boolean matchTerm(long index, long term) {
    return index <= lastIndex() && term(index) == term;
  }

  Entry entry(long index) {
    term(index); // bounds check with a clear message
    return entries.get((int) (index - 1));
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up-to-date as ours? */
  boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
    return otherLastTerm > lastTerm() || (otherLastTerm == lastTerm() && otherLastIndex >= lastIndex());
  }

  /**
   * The largest index at or below {@code index} whose term is at most {@code term}: below it the
   * entries cannot conflict with a log whose entry at {@code index} has {@code term}.
   */
  long findConflictByTerm(long index, long term) {
    long i = Math.min(index, lastIndex());
    while (i > 0 && term(i) > term) i--;
    return i;
  }

  /** Entries from {@code from}, at most {@code maxCount} and about {@code maxBytes} (at least one if any). */
  List<Entry> slice(long from, int maxCount, long maxBytes) {
    List<Entry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i <= lastIndex() && out.size() < maxCount; i++) {
      Entry e = entry(i);
      if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) break;
      bytes += e.sizeBytes();
      out.add(e);
    }
    return out;
  }

  /** The leader's own append: new entries at the end of the log. */
  void append(Entry e) {
    if (e.index() != lastIndex() + 1) throw new IllegalArgumentException("append of " + e + " after " + lastIndex());
    entries.add(e);
  }

  /**
   * AppendEntries on a follower once (prevIndex, prevTerm) matched: skips entries it already has,
   * and truncates at the first conflicting one (§5.3). An entry that is already present is never
   * removed, so a delayed or duplicated message cannot shorten the log. Returns the entries actually
   * written (the rest were already there).
   */
  List<Entry> appendFromLeader(long prevIndex, List<Entry> incoming) {
    if (prevIndex > lastIndex() || (!incoming.isEmpty() && incoming.get(0).index() != prevIndex + 1)) {
      throw new IllegalArgumentException("entries " + incoming + " do not follow index " + prevIndex + " of a log ending at "
          + lastIndex());
    }
    for (int i = 0; i < incoming.size(); i++) {
      Entry e = incoming.get(i);
      if (e.index() <= lastIndex()) {
        if (term(e.index()) == e.term()) continue;
        truncateFrom(e.index());
      }
      List<Entry> written = incoming.subList(i, incoming.size());
      entries.addAll(written);
      return written;
    }
    return List.of();
  }

  private void truncateFrom(long index) {
    if (index <= committed) {
      throw new IllegalStateException("refusing to truncate committed entry " + index + " (commit index " + committed
          + "): a leader sent a log that conflicts with a committed entry");
    }
    entries.subList((int) (index - 1), entries.size()).clear();
    persisted = Math.min(persisted, index - 1);
    unstableFrom = Math.min(unstableFrom, index);
  }

  void commitTo(long index) {
    if (index > committed) {
      if (index > lastIndex()) throw new IllegalStateException("commit index " + index + " beyond log end " + lastIndex());
      committed = index;
    }
  }

  /** Entries storage has not been given yet; marks them handed out. */
  List<Entry> takeUnstable() {
    if (unstableFrom > lastIndex()) return List.of();
    List<Entry> out = List.copyOf(entries.subList((int) (unstableFrom - 1), entries.size()));
    unstableFrom = lastIndex() + 1;
    return out;
  }

  /** Storage made entries up to (index, term) durable; ignored if the log has since been truncated there. */
  void persistedTo(long index, long term) {
    if (index > persisted && matchTerm(index, term)) persisted = index;
  }

  /** Committed entries the state machine has not been given yet; marks them handed out. */
  List<Entry> takeCommitted() {
    if (applying >= committed) return List.of();
    List<Entry> out = List.copyOf(entries.subList((int) applying, (int) committed));
    applying = committed;
    return out;
  }

  void appliedTo(long index) {
    if (index > applying) throw new IllegalStateException("applied " + index + " beyond what was handed out " + applying);
    applied = Math.max(applied, index);
  }

  /** All entries; for tests and the simulator's invariant checks. */
  List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }
}
