package io.kuorum.raft;

import java.util.List;
import java.util.TreeMap;

/**
 * The configurations in a node's log, by index. A server uses the latest one in its log, committed
 * or not (§6: a configuration takes effect when appended), so when a new leader truncates a
 * follower's uncommitted entries the follower falls back to the latest configuration that survives.
 * Index 0 holds the configuration the node started with.
 */
final class ConfigurationHistory {

  private final TreeMap<Long, ConfigurationEntry> byIndex = new TreeMap<>();

  ConfigurationHistory(Configuration initial) {
    byIndex.put(0L, new ConfigurationEntry(initial, new byte[0]));
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
    byIndex.tailMap(Math.max(index, 1), true).clear();
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
