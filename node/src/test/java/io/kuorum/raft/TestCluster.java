package io.kuorum.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for scenario tests: nothing happens unless the test ticks a node or
 * delivers messages, storage is a map that persists instantly, and a filter drops chosen messages.
 */
final class TestCluster {

  /** What a node's disk holds: hard state, latest snapshot, and the log entries after it. */
  record Stored(HardState hardState, Optional<Snapshot> snapshot, List<Entry> log) {
    Stored(HardState hardState, List<Entry> log) {
      this(hardState, Optional.empty(), log);
    }

    long snapshotIndex() {
      return snapshot.map(Snapshot::index).orElse(0L);
    }
  }

  private final Map<Long, RaftConfig> configs = new TreeMap<>();
  private final Map<Long, RaftCore> cores = new TreeMap<>();
  private final Map<Long, Stored> disks = new TreeMap<>();
  private final Set<Long> down = new HashSet<>();
  private final ArrayDeque<Message> wire = new ArrayDeque<>();
  private final List<Message> delivered = new ArrayList<>();
  private final Map<Long, List<Entry>> appliedByNode = new TreeMap<>();
  private final Map<Long, List<ReadState>> readsByNode = new TreeMap<>();
  private Predicate<Message> drop = m -> false;

  TestCluster(int size, Function<RaftConfig, RaftConfig> tweak) {
    Set<Long> ids = new TreeSet<>();
    for (long id = 1; id <= size; id++) ids.add(id);
    for (long id : ids) {
      configs.put(id, tweak.apply(RaftConfig.defaults(id, ids)));
      disks.put(id, new Stored(HardState.INITIAL, List.of()));
      appliedByNode.put(id, new ArrayList<>());
    }
  }

  /** A started cluster of {@code size} nodes in which node 1 won the first election. */
  static TestCluster ledBy1(int size) {
    TestCluster c = of(size).start();
    c.campaign(1);
    if (c.node(1).role() != Role.LEADER) throw new AssertionError("node 1 did not win the first election");
    return c;
  }

  /** Node 1 proposes {@code n} commands, then the cluster settles. */
  void writeAt1(int n) {
    for (int i = 0; i < n; i++) node(1).propose(("v" + i).getBytes());
    stabilize();
  }

  static TestCluster of(int size) {
    return new TestCluster(size, c -> c);
  }

  /** Gives node {@code id} this durable state (before {@link #start()}). */
  TestCluster withStored(long id, long term, long votedFor, long... entryTerms) {
    List<Entry> log = new ArrayList<>();
    for (int i = 0; i < entryTerms.length; i++) {
      log.add(Entry.command(i + 1, entryTerms[i], ("n" + id + "i" + (i + 1)).getBytes()));
    }
    disks.put(id, new Stored(new HardState(term, votedFor, 0), log));
    return this;
  }

  /** Starts a node with no configuration: it waits to be added to the cluster. */
  TestCluster startEmpty(long id) {
    configs.put(id, RaftConfig.defaults(id, Set.of()));
    disks.put(id, new Stored(HardState.INITIAL, List.of()));
    restart(id);
    return this;
  }

  TestCluster start() {
    for (long id : configs.keySet()) restart(id);
    return this;
  }

  RaftCore node(long id) {
    return cores.get(id);
  }

  void crash(long id) {
    down.add(id);
    cores.remove(id);
  }

  void restart(long id) {
    down.remove(id);
    Stored s = disks.get(id);
    cores.put(id, RaftCore.start(configs.get(id), s.hardState(), s.snapshot(), s.log(), new Random(id)));
    appliedByNode.put(id, new ArrayList<>());
  }

  void dropWhen(Predicate<Message> filter) {
    this.drop = filter;
  }

  void isolate(long id) {
    dropWhen(m -> m.from() == id || m.to() == id);
  }

  void healAll() {
    dropWhen(m -> false);
  }

  /** Ticks node {@code id} alone until its election timer fires and it starts a campaign, then lets the cluster settle. */
  void campaign(long id) {
    RaftCore c = cores.get(id);
    Role role = c.role();
    long term = c.term();
    for (int i = 0; i < 100 && c.role() == role && c.term() == term; i++) c.tick();
    stabilize();
  }

  /**
   * Ticks the given nodes until a minimum election timeout has passed since they heard from a leader,
   * so they stop ignoring vote requests (§4.2.3), as they would once the leader is really gone.
   */
  void outliveLeader(long... ids) {
    for (long id : ids) {
      for (int i = 0; i < configs.get(id).electionTicks(); i++) cores.get(id).tick();
    }
    stabilize();
  }

  void tickAll(int ticks) {
    for (int i = 0; i < ticks; i++) {
      cores.values().forEach(RaftCore::tick);
      stabilize();
    }
  }

  /** Persists, sends and applies until no node has anything left to do and no message is in flight. */
  void stabilize() {
    for (int round = 0; round < 10_000; round++) {
      boolean busy = false;
      for (long id : cores.keySet()) busy |= processReady(id);
      if (wire.isEmpty() && !busy) return;
      while (!wire.isEmpty()) deliver(wire.pollFirst());
    }
    throw new AssertionError("cluster did not settle");
  }

  /** Carries out every pending Ready of one node: persist at once, then send, then apply. */
  boolean processReady(long id) {
    RaftCore c = cores.get(id);
    boolean any = false;
    for (var r = c.ready(); r.isPresent(); r = c.ready()) {
      any = true;
      Ready ready = r.get();
      wire.addAll(ready.sendNow());
      persist(id, ready);
      wire.addAll(ready.sendAfterPersist());
      appliedByNode.get(id).addAll(ready.committed());
      readsByNode.computeIfAbsent(id, k -> new ArrayList<>()).addAll(ready.reads());
      c.advance(ready);
    }
    return any;
  }

  private void persist(long id, Ready r) {
    Stored s = disks.get(id);
    Optional<Snapshot> snapshot = s.snapshot();
    List<Entry> log = new ArrayList<>(s.log());
    if (r.snapshot().isPresent()) {
      // Figure 13 rules 6 and 7: keep what follows an agreeing entry, else drop everything.
      Snapshot installed = r.snapshot().get();
      long base = s.snapshotIndex();
      int at = (int) (installed.index() - base - 1);
      boolean agrees = at >= 0 && at < log.size() && log.get(at).term() == installed.term();
      log = agrees ? new ArrayList<>(log.subList(at + 1, log.size())) : new ArrayList<>();
      snapshot = r.snapshot();
    }
    if (!r.entries().isEmpty()) {
      long base = snapshot.map(Snapshot::index).orElse(0L);
      log.subList((int) Math.min(r.entries().get(0).index() - base - 1, log.size()), log.size()).clear();
      log.addAll(r.entries());
    }
    disks.put(id, new Stored(r.hardState().orElse(s.hardState()), snapshot, log));
  }

  /** Node {@code id} snapshots its (pretend) state machine where it can and compacts its log and disk. */
  Snapshot compact(long id) {
    RaftCore c = cores.get(id);
    long at = c.compactableIndex();
    Snapshot snap = c.compact(at, ("state of node " + id + " at " + at).getBytes());
    Stored s = disks.get(id);
    List<Entry> log = new ArrayList<>(s.log());
    log.subList(0, (int) (at - s.snapshotIndex())).clear();
    disks.put(id, new Stored(s.hardState(), Optional.of(snap), log));
    return snap;
  }

  /** Takes the messages in flight that match {@code filter} off the wire, undelivered, for a test to step by hand. */
  List<Message> intercept(Predicate<Message> filter) {
    List<Message> taken = new ArrayList<>();
    wire.removeIf(m -> filter.test(m) && taken.add(m));
    return taken;
  }

  private void deliver(Message m) {
    if (drop.test(m) || down.contains(m.to())) return;
    delivered.add(m);
    cores.get(m.to()).step(m);
  }

  /** Messages delivered so far, for tests that count round trips. */
  List<Message> delivered() {
    return delivered;
  }

  /** The answers to reads node {@code id} has handed out so far. */
  List<ReadState> reads(long id) {
    return readsByNode.getOrDefault(id, List.of());
  }

  List<Entry> applied(long id) {
    return appliedByNode.get(id);
  }

  Stored disk(long id) {
    return disks.get(id);
  }

  List<Long> terms(long id) {
    return cores.get(id).log().stream().map(Entry::term).toList();
  }
}
