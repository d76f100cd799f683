package io.kuorum.raft;

import java.util.List;
import java.util.TreeMap;

/**
 * The configurations in a node's log, by index. A server uses the latest one in its log, committed
 * or not (§6: a configuration takes effect when appended), so when a new leader truncates a
 * follower's uncommitted entries the follower falls back to the latest configuration that survives.
 * The first key holds the base: the configuration the node started with (index 0), or the one of its
 * snapshot, at or before the snapshot's index.
 */
final class ConfigurationHistory {

  private final TreeMap<Long, ConfigurationEntry> byIndex = new TreeMap<>();

  ConfigurationHistory(Configuration initial) {
    byIndex.put(0L, new ConfigurationEntry(initial, new byte[0]));
  }

  /** Restarting from a snapshot: its configuration is the base. */
  ConfigurationHistory(long snapshotIndex, ConfigurationEntry atSnapshot) {
    byIndex.put(snapshotIndex, atSnapshot);
  }

  /** Entries were written at the end of the log, replacing anything from the first one's index on. */
  void written(List<Entry> entries) {
    if (entries.isEmpty()) return;
    truncateFrom(entries.get(0).index());
    for (Entry e : entries) {
      if (e.type() == Entry.Type.CONFIG) byIndex.put(e.index(), ConfigurationEntry.decode(e.data()));
    }
  }

  private void truncateFrom(long index) {
    byIndex.tailMap(Math.max(index, byIndex.firstKey() + 1), true).clear();
  }

  /** The configuration in force at {@code index}: the latest set at or before it. */
  ConfigurationEntry at(long index) {
    return byIndex.floorEntry(index).getValue();
  }

  /** The log was compacted up to {@code index}: the configuration in force there becomes the base. */
  void compactTo(long index) {
    long base = byIndex.floorKey(index);
    byIndex.headMap(base, false).clear();
  }

  /**
   * A leader's snapshot ending at {@code index} was installed: its configuration replaces everything
   * up to there; later configurations survive only if their entries did ({@code keptLater}).
   */
  void installSnapshot(long index, ConfigurationEntry atSnapshot, boolean keptLater) {
    if (keptLater) byIndex.headMap(index, true).clear();
    else byIndex.clear();
    byIndex.put(index, atSnapshot);
  }

  /**
   * Whether {@code id} votes in a configuration that may still decide elections: the one in force at
   * {@code commitIndex} or any later one. Dissertation §4.2.2: a server that is not in its latest,
   * uncommitted configuration may still be needed until that configuration commits; a member running
   * the earlier configuration may need its vote, and it may hold the only copy of the new entry.
   */
  boolean mayStillDecide(long id, long commitIndex) {
    for (ConfigurationEntry e : byIndex.tailMap(byIndex.floorKey(commitIndex), true).values()) {
      if (e.configuration().isVoter(id)) return true;
    }
    return false;
  }

  Configuration latest() {
    return latestEntry().configuration();
  }

  ConfigurationEntry latestEntry() {
    return byIndex.lastEntry().getValue();
  }

  /** Index of the entry that set the latest configuration; 0 when it is the initial one. */
  long latestIndex() {
    return byIndex.lastKey();
  }
}
