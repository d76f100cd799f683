package io.kuorum.watch;

import io.kuorum.kv.Change;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The recent changes one member applied, so that a watch may start from a past revision (or resume
 * after a broken stream) without reading the state. Bounded by events and bytes; the oldest go first.
 * It holds every change with a revision above its {@link #horizon()}: the applied index when it began
 * (at start, or after a snapshot replaced the state), raised to the revision of each change it drops.
 * Not thread-safe: {@link WatchHub} guards it.
 */
final class WatchHistory {

  private final int maxEvents;
  private final long maxBytes;
  private final ArrayDeque<Change> changes = new ArrayDeque<>();
  private long bytes;
  private long horizon;

  WatchHistory(int maxEvents, long maxBytes, long horizon) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.horizon = horizon;
  }

  /** Every change above this revision is held; a watch can start at {@code horizon() + 1} or later. */
  long horizon() {
    return horizon;
  }

  int size() {
    return changes.size();
  }

  long bytes() {
    return bytes;
  }

  /** Appends the newest change, then drops the oldest until both bounds hold again. */
  void append(Change change) {
    Change last = changes.peekLast();
    long floor = last == null ? horizon : last.revision();
    if (change.revision() <= floor) {
      throw new IllegalArgumentException("change at revision " + change.revision() + " is not after " + floor);
    }
    changes.addLast(change);
    bytes += WatchLimits.bytesOf(change);
    while (!changes.isEmpty() && (changes.size() > maxEvents || bytes > maxBytes)) {
      Change dropped = changes.removeFirst();
      bytes -= WatchLimits.bytesOf(dropped);
      horizon = dropped.revision();
    }
  }

  /** Forgets everything: the state was replaced at {@code index}, what came before is not known change by change. */
  void reset(long index) {
    changes.clear();
    bytes = 0;
    horizon = index;
  }

  /**
   * The held changes at or after {@code revision}, oldest first.
   *
   * @throws IllegalArgumentException if {@code revision} is at or below the horizon (changes are missing)
   */
  List<Change> since(long revision) {
    if (revision <= horizon) {
      throw new IllegalArgumentException("revision " + revision + " is at or below the horizon " + horizon);
    }
    // Walk from the newest end: the cost is the size of the answer, which the caller copies anyway.
    List<Change> found = new ArrayList<>();
    for (Iterator<Change> it = changes.descendingIterator(); it.hasNext(); ) {
      Change c = it.next();
      if (c.revision() < revision) break;
      found.add(c);
    }
    Collections.reverse(found);
    return found;
  }
}
