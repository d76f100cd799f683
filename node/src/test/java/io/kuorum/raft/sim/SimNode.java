package io.kuorum.raft.sim;

import io.kuorum.check.KvOutput;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Mutation;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.ReadResult;
import io.kuorum.raft.ReadState;
import io.kuorum.raft.Ready;
import io.kuorum.raft.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One simulated server: a core, its disk, a key-value state machine and the runtime loop that carries
 * out Ready batches, with a simulated fsync delay between writing and durability. A crash throws
 * away everything but the disk.
 */
final class SimNode {

  /** Receives what a node does, so the simulation can check invariants and answer clients. */
  interface Observer {
    void readyTaken(SimNode node, Ready ready);

    /** {@code stateHash} is the state machine's hash after applying {@code entry}. */
    void applied(SimNode node, Entry entry, int stateHash);

    /** The node took ({@code installed} false) or installed a snapshot whose state has {@code stateHash}. */
    void snapshot(SimNode node, Snapshot snapshot, int stateHash, boolean installed);

    /** The entry a client's proposal was accepted at is applied: it is the client's, with the state machine's answer. */
    void proposalCommitted(long opId, com.google.protobuf.Message answer);

    /** A different entry was applied where the proposal was accepted: it never takes effect. */
    void proposalLost(long opId);

    /** A read confirmed by ReadIndex (§6.4) was served from the state once its index was applied. */
    void readServed(long opId, com.google.protobuf.Message answer);

    /** The node stopped leading before it confirmed the read: retry it, at {@code leaderHint} if known. */
    void readAbandoned(long opId, long leaderHint);
  }

  /** A read the core confirmed at {@code index}: served once the state machine has applied it. */
  private record ConfirmedRead(long index, KvCommand command) {}

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
  /** Average entries between two snapshots of this node (0: never). */
  private final int snapshotEvery;
  private int snapshotAfter;

  private RaftCore core;
  private boolean up;
  /**
   * Stopped like a process under SIGSTOP: no ticks, no messages, no fsync completions are handled;
   * they wait in {@link #heldWhilePaused} and the ticks are counted, for {@link #resume}.
   */
  private boolean paused;
  private int ticksMissed;
  private final ArrayDeque<Runnable> heldWhilePaused = new ArrayDeque<>();
  /** Client requests that arrived while paused: they come on other connections, so nothing orders them after the peers' messages. */
  private final ArrayDeque<Runnable> requestsHeldWhilePaused = new ArrayDeque<>();
  /** Bumped by every crash: events scheduled by an earlier life are ignored. */
  private int incarnation;
  private final ArrayDeque<Ready> syncing = new ArrayDeque<>();
  private long lastSyncAt;
  /** The real key-value state machine, sessions included. */
  private KvStateMachine state;
  private final Map<Long, Waiter> waitersByIndex = new HashMap<>();
  private final Map<Long, KvCommand> readsById = new HashMap<>();
  private final ArrayDeque<ConfirmedRead> confirmedReads = new ArrayDeque<>();
  /** The index the state machine has applied (entries or an installed snapshot). */
  private long appliedIndex;

  SimNode(long id, RaftConfig config, EventQueue events, SimNetwork network, Observer observer, Random random,
      long fsyncMinMs, long fsyncMaxMs, boolean everyBatchWaits, int snapshotEvery) {
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
    this.snapshotEvery = snapshotEvery;
  }

  void start(long tickMs) {
    core = RaftCore.start(config, disk.hardState(), disk.snapshot(), disk.log(), new Random(random.nextLong()));
    up = true;
    state = disk.snapshot().map(s -> restored(s.data())).orElseGet(this::emptyState);
    appliedIndex = disk.snapshot().map(Snapshot::index).orElse(0L);
    snapshotAfter = nextSnapshotDistance();
    int life = incarnation;
    events.after(random.nextInt((int) tickMs) + 1, () -> tickLoop(life, tickMs));
  }

  private void tickLoop(int life, long tickMs) {
    if (life != incarnation) return;
    if (paused) {
      ticksMissed++;
    } else {
      core.tick();
      drive();
    }
    events.after(tickMs, () -> tickLoop(life, tickMs));
  }

  /** SIGSTOP: the node handles nothing until {@link #resume}; to everyone else it has gone silent. */
  void pause() {
    paused = true;
  }

  /**
   * SIGCONT: first the ticks that came due while stopped (as the runtime's tick clock hands them out,
   * at most four election timeouts of them), then what arrived meanwhile: the clients' requests first,
   * the worst order for them (a deposed leader has not yet heard of its successor), then the peers'
   * messages and the fsync completions, in order.
   */
  void resume() {
    if (!paused) return;
    paused = false;
    for (int i = Math.min(ticksMissed, 4 * config.electionTicks()); i > 0; i--) core.tick();
    ticksMissed = 0;
    drive();
    while (!requestsHeldWhilePaused.isEmpty() && !paused && up) requestsHeldWhilePaused.pollFirst().run();
    while (!heldWhilePaused.isEmpty() && !paused && up) heldWhilePaused.pollFirst().run();
  }

  boolean isPaused() {
    return paused;
  }

  /** A client's request: handled now, or, while paused, once the node resumes. */
  void whenRunning(Runnable request) {
    if (paused) requestsHeldWhilePaused.addLast(() -> whenRunning(request));
    else if (up) request.run();
  }

  void crash() {
    paused = false;
    ticksMissed = 0;
    heldWhilePaused.clear();
    requestsHeldWhilePaused.clear();
    up = false;
    incarnation++;
    syncing.clear(); // unsynced writes are lost
    waitersByIndex.clear();
    readsById.clear(); // the client times out and tries elsewhere
    confirmedReads.clear();
    core = null;
  }

  /** Running: started, not crashed and not paused, so it answers clients. */
  boolean isUp() {
    return up && !paused;
  }

  boolean isCrashed() {
    return !up;
  }

  /** The configuration this node starts with when its disk has none: the initial voters, or none for a spare. */
  io.kuorum.raft.Configuration initialConfiguration() {
    return config.voters().isEmpty() ? io.kuorum.raft.Configuration.none() : io.kuorum.raft.Configuration.of(config.voters());
  }

  RaftCore core() {
    return core;
  }

  SimDisk disk() {
    return disk;
  }

  void receive(Message m) {
    if (!up) return;
    if (paused) {
      heldWhilePaused.addLast(() -> receive(m));
      return;
    }
    core.step(m);
    drive();
  }

  /** A client's request; the answer comes later through the observer, when the entry is applied. */
  ProposeResult propose(KvCommand command) {
    return propose(command.opId(), command.toProto().toBuilder());
  }

  /** A client opens a session (§6.3); the answer, with the session's id, comes through the observer. */
  ProposeResult openSession(long opId, int ttlSeconds) {
    return propose(opId, Command.newBuilder().setOpenSession(OpenSessionRequest.newBuilder().setTtlSeconds(ttlSeconds)));
  }

  /** Stamped with the simulated clock, as a leader stamps its proposals: the log time sessions expire by. */
  private ProposeResult propose(long opId, Command.Builder command) {
    ProposeResult result = core.propose(command.setProposedAtMillis(events.now()).build().toByteArray());
    if (result instanceof ProposeResult.Accepted a) waitersByIndex.put(a.index(), new Waiter(opId, a.index(), a.term()));
    drive();
    return result;
  }

  /**
   * A linearizable read by ReadIndex (§6.4): no log entry; the answer comes through the observer. A
   * follower asks its leader for the read index.
   */
  ReadResult read(KvCommand command) {
    return track(command, core.requestRead(command.opId()));
  }

  /** A lease read (§6.4.1): confirmed at once while the leader's lease holds; answered like {@link #read}. */
  ReadResult leaseRead(KvCommand command) {
    return track(command, core.requestLeaseRead(command.opId()));
  }

  private ReadResult track(KvCommand command, ReadResult result) {
    if (result instanceof ReadResult.Pending) readsById.put(command.opId(), command);
    drive();
    return result;
  }

  /** A serializable read: this member's own state, whatever its role; none from a node that is not a member. */
  Optional<KvOutput> readLocal(KvCommand command) {
    if (!core.configuration().members().contains(id)) return Optional.empty();
    return Optional.of(KvCommand.output(state.read(command.toProto())));
  }

  boolean leads() {
    return core.role() == io.kuorum.raft.Role.LEADER;
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
      r.reads().forEach(this::answerRead); // reads wait for the state machine only, not for this batch
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
    if (paused) {
      heldWhilePaused.addLast(() -> synced(life));
      return;
    }
    Ready r = syncing.pollFirst();
    if (r.snapshot().isPresent()) {
      Snapshot s = r.snapshot().get();
      disk.installSnapshot(s);
      state = restored(s.data());
      appliedIndex = s.index();
      observer.snapshot(this, s, state.stateHash(), true);
    }
    disk.write(r.hardState(), r.entries());
    r.sendAfterPersist().forEach(network::send);
    for (Entry e : r.committed()) apply(e);
    core.advance(r);
    serveConfirmedReads();
    maybeSnapshot();
    drive();
  }

  private void answerRead(ReadState read) {
    KvCommand command = readsById.remove(read.readId());
    if (command == null) return;
    if (read instanceof ReadState.Confirmed c) {
      confirmedReads.addLast(new ConfirmedRead(c.index(), command));
      serveConfirmedReads();
    } else {
      observer.readAbandoned(command.opId(), ((ReadState.Abandoned) read).leaderHint().orElse(-1));
    }
  }

  private void serveConfirmedReads() {
    // Confirmed indexes never decrease (a leader's commit index only grows), so the queue is in order.
    while (!confirmedReads.isEmpty() && confirmedReads.peekFirst().index() <= appliedIndex) {
      KvCommand read = confirmedReads.pollFirst().command();
      observer.readServed(read.opId(), state.read(read.toProto()));
    }
  }

  /** Now and then (every few dozen entries, at random), snapshot the state machine and compact the log. */
  private void maybeSnapshot() {
    if (snapshotAfter <= 0) return;
    long at = core.appliedIndex();
    if (at - (core.firstIndex() - 1) < snapshotAfter || core.compactableIndex() < at) return;
    Snapshot s = core.compact(at, encoded(state));
    disk.saveSnapshot(s);
    observer.snapshot(this, s, state.stateHash(), false);
    snapshotAfter = nextSnapshotDistance();
  }

  private int nextSnapshotDistance() {
    return snapshotEvery <= 0 ? 0 : snapshotEvery / 2 + random.nextInt(snapshotEvery);
  }

  private KvStateMachine emptyState() {
    return config.mutations().contains(Mutation.SESSIONS_LEFT_OUT_OF_SNAPSHOTS) ? KvStateMachine.leavingSessionsOutOfSnapshots(KvLimits.DEFAULT)
        : new KvStateMachine(KvLimits.DEFAULT);
  }

  private static byte[] encoded(KvStateMachine state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      state.writeSnapshot(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private KvStateMachine restored(byte[] payload) {
    KvStateMachine restored = emptyState();
    try {
      restored.restore(new ByteArrayInputStream(payload));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return restored;
  }

  private void apply(Entry e) {
    appliedIndex = e.index();
    Waiter w = waitersByIndex.remove(e.index());
    boolean ours = w != null && w.term() == e.term();
    if (e.type() != Entry.Type.COMMAND) {
      state.skip(e.index());
      observer.applied(this, e, state.stateHash());
      if (w != null) observer.proposalLost(w.opId());
      return;
    }
    com.google.protobuf.Message out = state.apply(e.index(), e.data());
    observer.applied(this, e, state.stateHash());
    if (ours) observer.proposalCommitted(w.opId(), out);
    else if (w != null) observer.proposalLost(w.opId());
  }
}
