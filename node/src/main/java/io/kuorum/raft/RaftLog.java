package io.kuorum.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The core's view of its log: every entry after the latest snapshot, which of them are committed,
 * which are durable, and which still have to be handed to storage. Indexes start at 1; entries up to
 * {@code offset} are compacted into a snapshot and only the term of the last of them is known (index 0
 * is the empty prefix with term 0).
 */
final class RaftLog {

  private final ArrayList<Entry> entries = new ArrayList<>();
  /** The last index covered by the snapshot (0: none), and its term. */
  private long offset;
  private long offsetTerm;
  private long committed;
  /** Highest index whose durability storage has confirmed. */
  private long persisted;
  /** First index not yet handed to storage in a {@link Ready}. */
  private long unstableFrom;
  /** Highest index handed to the state machine, and the highest it has confirmed. */
  private long applying;
  private long applied;

  /** A log restored from storage without a snapshot. */
  RaftLog(List<Entry> durable, long committed, long applied) {
    this(0, 0, durable, committed, applied);
  }

  /** A log restored from storage (entries after the snapshot at offset): everything in it is durable. */
  RaftLog(long offset, long offsetTerm, List<Entry> durable, long committed, long applied) {
    this.offset = offset;
    this.offsetTerm = offsetTerm;
    committed = Math.max(committed, offset); // a snapshot holds only committed state
    applied = Math.max(applied, offset);
    for (Entry e : durable) {
      if (e.index() != lastIndex() + 1) {
        throw new IllegalArgumentException("stored log has a gap or disorder at " + e + " after index " + lastIndex());
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
    return offset + entries.size();
  }

  /** The first index still in the log; entries before it are in the snapshot. */
  long firstIndex() {
    return offset + 1;
  }

  long snapshotIndex() {
    return offset;
  }

  private int position(long index) {
    return (int) (index - offset - 1);
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

  /** Term of the entry at {@code index}; for the snapshot's last index, the snapshot's term; 0 for index 0. */
  long term(long index) {
    if (index == offset) return offsetTerm;
    if (index < offset || index > lastIndex()) {
      throw new IndexOutOfBoundsException("no term for index " + index + " in log " + firstIndex() + ".." + lastIndex()
          + " (compacted up to " + offset + ")");
    }
    return entries.get(position(index)).term();
  }

  /** Entries up to the snapshot are committed and so agree with every leader's log (leader completeness). */
  boolean matchTerm(long index, long term) {
    return index < offset || (index <= lastIndex() && term(index) == term);
  }

  Entry entry(long index) {
    if (index <= offset || index > lastIndex()) term(index); // bounds check with a clear message
    if (index <= offset) throw new IndexOutOfBoundsException("entry " + index + " is compacted (log starts at " + firstIndex() + ")");
    return entries.get(position(index));
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
    while (i > offset && term(i) > term) i--;
    return i;
  }

  /** Entries from {@code from} (after the snapshot), at most {@code maxCount} and about {@code maxBytes} (at least one if any). */
  List<Entry> slice(long from, int maxCount, long maxBytes) {
    if (from <= offset) throw new IllegalArgumentException("entries from " + from + " are compacted; send the snapshot");
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
    if (prevIndex < offset || prevIndex > lastIndex() || (!incoming.isEmpty() && incoming.get(0).index() != prevIndex + 1)) {
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
    entries.subList(position(index), entries.size()).clear();
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
    List<Entry> out = List.copyOf(entries.subList(position(unstableFrom), entries.size()));
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
    List<Entry> out = List.copyOf(entries.subList(position(applying + 1), position(committed) + 1));
    applying = committed;
    return out;
  }

  void appliedTo(long index) {
    if (index > applying) throw new IllegalStateException("applied " + index + " beyond what was handed out " + applying);
    applied = Math.max(applied, index);
  }

  /**
   * Drops the entries up to {@code index} after the runtime took a snapshot there; only what is both
   * applied (the snapshot holds it) and durable (storage can drop it) may go.
   */
  void compactTo(long index) {
    if (index <= offset) return;
    if (index > applied || index > persisted) {
      throw new IllegalArgumentException("cannot compact to " + index + ": applied " + applied + ", durable " + persisted);
    }
    offsetTerm = term(index);
    entries.subList(0, position(index) + 1).clear();
    offset = index;
  }

  /**
   * Installs a leader's snapshot ending at (index, term), newer than the commit index: entries after
   * it are kept if the log agrees there (Figure 13 rule 6), else the whole log goes (rule 7). Returns
   * whether entries were kept. The snapshot counts as applied and durable once the runtime confirms it.
   */
  boolean installSnapshot(long index, long term) {
    if (index <= committed) throw new IllegalArgumentException("snapshot " + index + " is not newer than commit " + committed);
    boolean keep = index <= lastIndex() && term(index) == term;
    if (keep) {
      entries.subList(0, position(index) + 1).clear();
    } else {
      entries.clear();
    }
    offset = index;
    offsetTerm = term;
    committed = index;
    applying = index;
    if (keep) {
      // Kept entries not yet handed to storage still are; none before the snapshot can be.
      unstableFrom = Math.max(unstableFrom, index + 1);
    } else {
      // Whatever is appended after the snapshot is new to storage; the snapshot itself counts as
      // durable once the runtime stored it (snapshotInstalled).
      persisted = Math.min(persisted, index);
      unstableFrom = index + 1;
    }
    return keep;
  }

  /** The runtime made the installed snapshot durable and loaded it into the state machine. */
  void snapshotInstalled(long index) {
    applied = Math.max(applied, index);
    if (offset == index) persisted = Math.max(persisted, index);
  }

  /** All entries after the snapshot; for tests and the simulator's invariant checks. */
  List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }
}
