package io.kuorum.raft.sim;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node's durable storage in the simulation. A write becomes durable only when its sync completes;
 * a crash before that loses it whole, as a storage transaction would be.
 */
final class SimDisk {

  private HardState hardState = HardState.INITIAL;
  private final List<Entry> log = new ArrayList<>();

  /** One atomic, synced write of a Ready batch: entries replace anything stored at or after their first index. */
  void write(Optional<HardState> hs, List<Entry> entries) {
    hs.ifPresent(h -> hardState = h);
    if (!entries.isEmpty()) {
      long first = entries.get(0).index();
      if (first > log.size() + 1) throw new IllegalStateException("write at " + first + " leaves a gap after " + log.size());
      log.subList((int) (first - 1), log.size()).clear();
      log.addAll(entries);
    }
  }

  HardState hardState() {
    return hardState;
  }

  List<Entry> log() {
    return List.copyOf(log);
  }
}
