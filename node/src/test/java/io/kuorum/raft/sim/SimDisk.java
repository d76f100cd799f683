package io.kuorum.raft.sim;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import io.kuorum.raft.Snapshot;
import io.kuorum.storage.InMemoryLogStore;
import io.kuorum.storage.LogStore;
import io.kuorum.storage.LogWrite;
import io.kuorum.storage.StoreIdentity;
import java.util.List;
import java.util.Optional;

/**
 * A node's durable storage in the simulation: the same {@link LogStore} contract as the real MapDB
 * store, in memory. A write becomes durable only when its simulated sync completes; a crash before
 * that loses it whole, as a storage transaction would be. The store also refuses writes that break
 * Raft's rules (rewriting committed entries, a vote changed within a term), which the simulator then
 * reports.
 */
final class SimDisk {

  private final LogStore store;
  /** The latest snapshot: written whole (temp file and rename in a real store), so never torn. */
  private Optional<Snapshot> snapshot = Optional.empty();

  SimDisk(long nodeId) {
    this.store = new InMemoryLogStore(new StoreIdentity("sim", nodeId));
  }

  /** One atomic, synced write of a Ready batch. */
  void write(Optional<HardState> hs, List<Entry> entries) {
    store.write(List.of(new LogWrite(hs, entries)));
  }

  /** This node took a snapshot: it is stored, then the log prefix it covers is dropped. */
  void saveSnapshot(Snapshot s) {
    snapshot = Optional.of(s);
    store.compactPrefix(s.index());
  }

  /** A leader's snapshot was installed: stored, and the log continues after it (Figure 13 rules 6, 7). */
  void installSnapshot(Snapshot s) {
    snapshot = Optional.of(s);
    store.continueAfterSnapshot(s.index(), s.term());
  }

  Optional<Snapshot> snapshot() {
    return snapshot;
  }

  HardState hardState() {
    return store.hardState();
  }

  List<Entry> log() {
    return store.entries(store.firstIndex(), store.lastIndex());
  }
}
