package io.kuorum.raft.sim;

import io.kuorum.check.KvOutput;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.Ready;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One simulated server: a core, its disk, a key-value state machine and the runtime loop that carries
 * out Ready batches, with a simulated fsync delay between writing and durability. A crash throws
 * away everything but the disk.
 */
final class SimNode {

  /** Receives what a node does, so the simulation can check invariants and answer clients. */
  interface Observer {
    void readyTaken(SimNode node, Ready ready);

    void applied(SimNode node, Entry entry);

    /** The entry a client's proposal was accepted at is applied: it is the client's, with this output. */
    void proposalCommitted(long opId, KvOutput output);

    /** A different entry was applied where the proposal was accepted: it never takes effect. */
    void proposalLost(long opId);
  }

  private record Waiter(long opId, long index, long term) {}

  final long id;
  private final RaftConfig config;
  private final EventQueue events;
  private final SimNetwork network;
  private final Observer observer;
  private final SimDisk disk;
  private final Random random;
  private final long fsyncMinMs;
  private final long fsyncMaxMs;
  private final boolean everyBatchWaits;

  private RaftCore core;
  private boolean up;
  /** Bumped by every crash: events scheduled by an earlier life are ignored. */
  private int incarnation;
  private final ArrayDeque<Ready> syncing = new ArrayDeque<>();
  private long lastSyncAt;
  private Map<String, String> state = new TreeMap<>();
  private final Map<Long, Waiter> waitersByIndex = new HashMap<>();

  SimNode(long id, RaftConfig config, EventQueue events, SimNetwork network, Observer observer, Random random,
      long fsyncMinMs, long fsyncMaxMs, boolean everyBatchWaits) {
    this.id = id;
    this.disk = new SimDisk(id);
    this.config = config;
    this.events = events;
    this.network = network;
    this.observer = observer;
    this.random = random;
    this.fsyncMinMs = fsyncMinMs;
    this.fsyncMaxMs = fsyncMaxMs;
    this.everyBatchWaits = everyBatchWaits;
  }

  void start(long tickMs) {
    core = RaftCore.start(config, disk.hardState(), disk.log(), new Random(random.nextLong()));
    up = true;
    state = new TreeMap<>();
    int life = incarnation;
    events.after(random.nextInt((int) tickMs) + 1, () -> tickLoop(life, tickMs));
  }

  private void tickLoop(int life, long tickMs) {
    if (life != incarnation) return;
    core.tick();
    drive();
    events.after(tickMs, () -> tickLoop(life, tickMs));
  }

  void crash() {
    up = false;
    incarnation++;
    syncing.clear(); // unsynced writes are lost
    waitersByIndex.clear();
    core = null;
  }

  boolean isUp() {
    return up;
  }

  RaftCore core() {
    return core;
  }

  SimDisk disk() {
    return disk;
  }

  void receive(Message m) {
    if (!up) return;
    core.step(m);
    drive();
  }

  /** A client's request; the answer comes later through the observer, when the entry is applied. */
  ProposeResult propose(KvCommand command) {
    ProposeResult result = core.propose(command.encode());
    if (result instanceof ProposeResult.Accepted a) waitersByIndex.put(a.index(), new Waiter(command.opId(), a.index(), a.term()));
    drive();
    return result;
  }

  /** An administrative request (membership change, transfer) to this node's core. */
  <T> T act(java.util.function.Function<RaftCore, T> request) {
    T result = request.apply(core);
    drive();
    return result;
  }

  /** The runtime loop: take every Ready, send what may go now, and schedule its fsync. */
  private void drive() {
    while (up) {
      var next = core.ready();
      if (next.isEmpty()) return;
      Ready r = next.get();
      observer.readyTaken(this, r);
      r.sendNow().forEach(network::send);
      syncing.addLast(r);
      // Batches complete in order; normally only one with something to make durable pays for an fsync.
      long fsync = r.mustPersist() || everyBatchWaits ? fsyncMinMs + random.nextInt((int) (fsyncMaxMs - fsyncMinMs + 1)) : 0;
      long syncAt = Math.max(lastSyncAt, events.now()) + fsync;
      lastSyncAt = syncAt;
      int life = incarnation;
      events.at(syncAt, () -> synced(life));
    }
  }

  private void synced(int life) {
    if (life != incarnation) return;
    Ready r = syncing.pollFirst();
    disk.write(r.hardState(), r.entries());
    r.sendAfterPersist().forEach(network::send);
    for (Entry e : r.committed()) apply(e);
    core.advance(r);
    drive();
  }

  private void apply(Entry e) {
    observer.applied(this, e);
    Waiter w = waitersByIndex.remove(e.index());
    boolean ours = w != null && w.term() == e.term();
    if (e.type() != Entry.Type.COMMAND) {
      if (w != null) observer.proposalLost(w.opId());
      return;
    }
    KvOutput out = KvCommand.decode(e.data()).applyTo(state);
    if (ours) observer.proposalCommitted(w.opId(), out);
    else if (w != null) observer.proposalLost(w.opId());
  }
}
