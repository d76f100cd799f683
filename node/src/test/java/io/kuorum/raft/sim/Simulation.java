package io.kuorum.raft.sim;

import io.kuorum.check.CheckResult;
import io.kuorum.check.History;
import io.kuorum.check.KvInput;
import io.kuorum.check.LinearizabilityChecker;
import io.kuorum.check.SerializableReadChecker;
import io.kuorum.raft.Entry;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.Ready;
import io.kuorum.raft.Role;
import io.kuorum.raft.Snapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;

/**
 * A whole cluster in one thread, driven by one seeded random source: the same seed replays the same
 * run exactly. Faults are injected during a chaos phase, then healed; clients run throughout; the
 * invariants are checked at every step and the client history at the end.
 */
final class Simulation implements SimNode.Observer {

  /** Operation ids below zero are the liveness probe's, not a client's. */
  private static final long PROBE_OP = -1;

  private final SimConfig config;
  private final long seed;
  private final Random random;
  private final EventQueue events = new EventQueue();
  private final SimNetwork network;
  private final Map<Long, SimNode> nodes = new LinkedHashMap<>();
  private final List<Long> ids = new ArrayList<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final History history = new History();
  private final InvariantChecker invariants = new InvariantChecker(events::now);
  private boolean clientsStopped;
  private long healedAt = -1;
  private long recoveredAt = -1;
  private long probeSentAt = -1;
  /** A hash of every delivery and its time: equal for two runs of one seed, or replay is broken. */
  private long fingerprint;

  Simulation(SimConfig config, long seed) {
    this.config = config;
    this.seed = seed;
    this.random = new Random(seed);
    this.network = new SimNetwork(events, new Random(random.nextLong()), m -> {
      fingerprint = 31 * fingerprint + 17 * events.now() + m.hashCode();
      node(m.to()).receive(m);
    });
    TreeSet<Long> voters = new TreeSet<>();
    for (long id = 1; id <= config.nodes(); id++) voters.add(id);
    for (long id = 1; id <= config.nodes() + config.spareNodes(); id++) ids.add(id);
    for (long id : ids) {
      // Spare nodes start with no configuration: they wait to be added and never campaign.
      RaftConfig rc = RaftConfig.defaults(id, voters.contains(id) ? voters : new TreeSet<>())
          .withElection(config.electionTicks(), 1, config.preVote(), config.checkQuorum())
          .withBatching(config.maxEntriesPerAppend(), 64 * 1024, config.maxInflightAppends())
          .withCatchUpEntries(2L * config.maxEntriesPerAppend())
          .withLeaseReads(config.leaseReads())
          .withMutations(config.mutations());
      nodes.put(id, new SimNode(id, rc, events, network, this, new Random(random.nextLong()), config.fsyncMinMs(),
          config.fsyncMaxMs(), config.everyBatchWaits(), config.snapshotEvery()));
    }
  }

  static RunResult run(SimConfig config, long seed) {
    return new Simulation(config, seed).run();
  }

  RunResult run() {
    Nemesis nemesis = new Nemesis(this, new Random(random.nextLong()), new Random(seed * 7_919L + 13), config);
    for (int c = 0; c < config.clients(); c++) {
      // Read choices have random sources of their own: runs without those reads replay as they always did.
      clients.add(new SimClient(c, this, new Random(random.nextLong()), new Random(seed * 1_000_003L + c),
          new Random(seed * 2_000_003L + c), history, config));
    }
    // Drawn after the clients' seeds, so runs without membership changes replay as they always did.
    MembershipDriver membership = new MembershipDriver(this, new Random(random.nextLong()), config);
    try {
      for (SimNode n : nodes.values()) restart(n);
      clients.forEach(SimClient::start);
      nemesis.unleash(config.chaosMs());
      // Changes go on after healing too, but stop in time for the last one to finish before the end.
      membership.start(config.chaosMs() + config.calmMs() / 2);
      runUntil(config.chaosMs());
      heal();
      runUntil(config.chaosMs() + config.calmMs());
      clientsStopped = true;
      clients.forEach(SimClient::abandon);
      // With the load gone, a change still in progress has a second to finish.
      runUntil(config.chaosMs() + config.calmMs() + 1_000);
      checkNoChangeIsStuck();
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      invariants.violation("exception in the cluster: " + trace.toString().lines().limit(8).reduce((a, b) -> a + "\n    " + b).orElse(""));
      clients.forEach(SimClient::abandon);
    }
    List<io.kuorum.check.Operation> strict = history.operations();
    CheckResult lin = new LinearizabilityChecker().check(strict);
    CheckResult serializable = SerializableReadChecker.check(strict, history.serializableReads());
    return new RunResult(seed, config, List.copyOf(invariants.violations()), lin, serializable, nemesis.faults, nemesis.crashes, nemesis.pauses,
        invariants.leadersElected,
        recoveredAt < 0 ? OptionalLong.empty() : OptionalLong.of((recoveredAt - healedAt) / config.tickMs()),
        clients.stream().mapToInt(c -> c.ok).sum(), clients.stream().mapToInt(c -> c.unknown).sum(),
        clients.stream().mapToInt(c -> c.failed).sum(), network.sent, network.dropped, fingerprint,
        List.copyOf(membership.reached), membership.changesAccepted, membership.changesRefused, membership.transfers,
        membership.leaderRemovals, invariants.snapshotsTaken, invariants.snapshotsInstalled,
        clients.stream().mapToInt(c -> c.anyMemberReads).sum(), clients.stream().mapToInt(c -> c.leaseReads).sum(),
        clients.stream().mapToInt(c -> c.serializableReads).sum());
  }

  /** Liveness of membership: long after the faults healed, no leader may still be between C_old and C_new. */
  private void checkNoChangeIsStuck() {
    for (SimNode n : nodes.values()) {
      if (n.isUp() && n.core().role() == Role.LEADER && n.core().configuration().isJoint()) {
        invariants.violation("leader " + n.id + " is still in the joint configuration " + n.core().configuration()
            + " (index " + n.core().configurationIndex() + ", commit " + n.core().commitIndex() + ") at the end of the run");
      }
    }
  }

  private void runUntil(long time) {
    events.runUntil(time, () -> { });
  }

  /** Every fault ends: links heal, the network behaves, crashed nodes come back. Then liveness is measured. */
  private void heal() {
    network.heal();
    network.normalConditions();
    for (SimNode n : nodes.values()) {
      n.resume();
      if (n.isCrashed()) restart(n);
    }
    healedAt = events.now();
    probe();
  }

  /** Proposes a read to whoever leads, until one commits: the time that takes is the recovery time. */
  private void probe() {
    if (recoveredAt >= 0) return;
    // One probe at a time; a probe stuck with a deposed leader is given up after an election timeout.
    boolean waiting = probeSentAt >= 0 && events.now() - probeSentAt < config.electionTicks() * config.tickMs();
    if (!waiting) {
      for (SimNode n : nodes.values()) {
        if (n.isUp() && n.core().role() == Role.LEADER
            && n.propose(new KvCommand(PROBE_OP, "probe", new KvInput.Get())) instanceof ProposeResult.Accepted) {
          probeSentAt = events.now();
          break;
        }
      }
    }
    events.after(config.tickMs(), this::probe);
  }

  void restart(SimNode n) {
    invariants.started(n, n.disk().snapshot(), n.disk().log());
    n.start(config.tickMs());
  }

  // ---------------------------------------------------------------- observer

  @Override
  public void readyTaken(SimNode node, Ready ready) {
    invariants.readyTaken(node, ready);
  }

  @Override
  public void applied(SimNode node, Entry entry, int stateHash) {
    invariants.applied(node, entry, stateHash);
  }

  @Override
  public void snapshot(SimNode node, Snapshot snapshot, int stateHash, boolean installed) {
    invariants.snapshot(node, snapshot, stateHash, installed);
  }

  @Override
  public void proposalCommitted(long opId, com.google.protobuf.Message answer) {
    if (opId == PROBE_OP) {
      if (recoveredAt < 0 && healedAt >= 0) recoveredAt = events.now();
      return;
    }
    clients.forEach(c -> c.answered(opId, answer));
  }

  @Override
  public void proposalLost(long opId) {
    if (opId == PROBE_OP) {
      probeSentAt = -1;
      return;
    }
    clients.forEach(c -> c.lost(opId));
  }

  @Override
  public void readServed(long opId, com.google.protobuf.Message answer) {
    clients.forEach(c -> c.answered(opId, answer));
  }

  @Override
  public void readAbandoned(long opId, long leaderHint) {
    clients.forEach(c -> c.readAbandoned(opId, leaderHint));
  }

  // ---------------------------------------------------------------- wiring for the nemesis and clients

  EventQueue events() {
    return events;
  }

  SimNetwork network() {
    return network;
  }

  List<Long> nodeIds() {
    return ids;
  }

  List<SimNode> nodes() {
    return List.copyOf(nodes.values());
  }

  SimNode node(long id) {
    return nodes.get(id);
  }

  void violation(String what) {
    invariants.violation(what);
  }

  boolean clientsStopped() {
    return clientsStopped;
  }
}
