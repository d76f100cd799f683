package io.kuorum.raft.sim;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
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

  SimDisk(long nodeId) {
    this.store = new InMemoryLogStore(new StoreIdentity("sim", nodeId));
  }

  /** One atomic, synced write of a Ready batch. */
  void write(Optional<HardState> hs, List<Entry> entries) {
    store.write(List.of(new LogWrite(hs, entries)));
  }

  HardState hardState() {
    return store.hardState();
  }

  List<Entry> log() {
    return store.entries(store.firstIndex(), store.lastIndex());
  }
}
