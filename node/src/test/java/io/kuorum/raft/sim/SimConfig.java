package io.kuorum.raft.sim;

import io.kuorum.raft.Mutation;
import java.util.Set;

/**
 * One simulation scenario. Times are simulated milliseconds; a tick is {@link #tickMs}.
 *
 * @param nodes cluster size
 * @param chaosMs how long faults are injected
 * @param calmMs how long the healed cluster runs afterwards (clients keep going, liveness is measured)
 * @param faultEveryMinMs shortest gap between two faults
 * @param faultEveryMaxMs longest gap between two faults
 * @param crashWeight relative weight of crash faults among all faults
 * @param maxEntriesPerAppend batching bound handed to the core (small values expose more interleavings)
 * @param everyBatchWaits every Ready waits a full fsync delay, even one with nothing to make durable (a
 *     slow, saturated disk: long queues, wide windows between a reply and its durability)
 * @param membership whether and how the voter set changes during the run
 * @param spareNodes nodes started without a configuration, waiting to be added (ids after the voters)
 * @param snapshotEvery average number of applied entries between two snapshots of a node (0: never)
 * @param readIndexPercent share of the clients' reads served by ReadIndex (§6.4) rather than through the log
 * @param readKinds how the reads that skip the log are served: at the leader, at a follower, by lease or
 *     serializable
 * @param sessions whether clients write in sessions (§6.3) and retry writes until they get an answer,
 *     or send each write once and leave its outcome unknown when no answer comes
 * @param pausePercent share of the crash faults that pause the node instead (SIGSTOP, then SIGCONT after
 *     up to a few election timeouts): it handles nothing meanwhile and then catches up its ticks
 */
record SimConfig(
    int nodes,
    long tickMs,
    int electionTicks,
    boolean preVote,
    boolean checkQuorum,
    long chaosMs,
    long calmMs,
    int clients,
    int keys,
    long opTimeoutMs,
    long faultEveryMinMs,
    long faultEveryMaxMs,
    int crashWeight,
    long fsyncMinMs,
    long fsyncMaxMs,
    int maxEntriesPerAppend,
    int maxInflightAppends,
    Set<Mutation> mutations,
    boolean everyBatchWaits,
    Membership membership,
    int spareNodes,
    int snapshotEvery,
    int readIndexPercent,
    ReadKinds readKinds,
    boolean sessions,
    int pausePercent) {

  /**
   * Of the reads that skip the log, the percentages sent to a random member as linearizable reads (a
   * follower asks the leader for a read index, §6.4), sent to the leader as lease reads (§6.4.1, with
   * check-quorum only: otherwise they stay ReadIndex reads at the leader), and served by a random member
   * from its own state (serializable); the rest are ReadIndex reads at the leader. All zero: every such
   * read goes to the leader, as before these kinds existed.
   */
  record ReadKinds(int followerPercent, int leasePercent, int serializablePercent) {
    static final ReadKinds LEADER_ONLY = new ReadKinds(0, 0, 0);

    ReadKinds {
      if (followerPercent < 0 || leasePercent < 0 || serializablePercent < 0
          || followerPercent + leasePercent + serializablePercent > 100) {
        throw new IllegalArgumentException("read kinds must be percentages adding up to at most 100");
      }
    }

    boolean any() {
      return followerPercent + leasePercent + serializablePercent > 0;
    }
  }

  /** How the {@link MembershipDriver} changes the cluster. */
  enum Membership {
    /** The initial voters stay the voters. */
    FIXED,
    /** Random grow, shrink and replace transitions (the leader among the removed ones at times), and transfers. */
    RANDOM,
    /** From one voter to 3, 5, 3 and back to 1. */
    GROW_AND_SHRINK
  }

  static SimConfig standard(int nodes) {
    return new SimConfig(nodes, 10, 10, true, true, 8_000, 4_000, 4, 4, 1_000, 150, 1_200, 3, 1, 4, 8, 4, Set.of(),
        false, Membership.FIXED, 0, 0, 50, ReadKinds.LEADER_ONLY, true, 30);
  }

  /** No faults at all: the whole run is calm. */
  SimConfig withoutFaults() {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, 0, chaosMs + calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, membership, spareNodes, snapshotEvery, readIndexPercent, readKinds, sessions, pausePercent);
  }

  /** Every node snapshots its state machine and compacts its log about every {@code entries} applied entries. */
  SimConfig withSnapshots(int entries) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, membership, spareNodes, entries, readIndexPercent, readKinds, sessions, pausePercent);
  }

  /** A run whose voters change while faults happen; spare nodes wait to be added. */
  SimConfig withMembership(Membership how, int spares) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, how, spares, snapshotEvery, readIndexPercent, readKinds, sessions, pausePercent);
  }

  SimConfig withMutation(Mutation m) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        Set.of(m), everyBatchWaits, membership, spareNodes, snapshotEvery, readIndexPercent, readKinds, sessions, pausePercent);
  }

  SimConfig withElectionRules(boolean withPreVote, boolean withCheckQuorum) {
    return new SimConfig(nodes, tickMs, electionTicks, withPreVote, withCheckQuorum, chaosMs, calmMs, clients, keys,
        opTimeoutMs, faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend,
        maxInflightAppends, mutations, everyBatchWaits, membership, spareNodes, snapshotEvery, readIndexPercent, readKinds, sessions, pausePercent);
  }

  /** More crashes, slower disks and one entry per append: the interleavings that expose persistence bugs. */
  SimConfig crashHeavy() {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        60, 500, 12, 2, 15, 1, maxInflightAppends, mutations, true, membership, spareNodes, snapshotEvery, readIndexPercent, readKinds, sessions, pausePercent);
  }

  /** How the reads that skip the log are served (see {@link ReadKinds}). */
  SimConfig withReadKinds(ReadKinds kinds) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, membership, spareNodes, snapshotEvery, readIndexPercent, kinds, sessions, pausePercent);
  }

  /** Lease reads are in the mix, so every node takes part in leases (RaftConfig.leaseReads). */
  boolean leaseReads() {
    return checkQuorum && readIndexPercent > 0 && readKinds.leasePercent() > 0;
  }

  /** {@code percent} of the crash faults pause the node instead. */
  SimConfig withPauses(int percent) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, membership, spareNodes, snapshotEvery, readIndexPercent, readKinds, sessions, percent);
  }

  /** Clients write in sessions and retry, or (false) send each write once. */
  SimConfig withSessions(boolean on) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, membership, spareNodes, snapshotEvery, readIndexPercent, readKinds, on, pausePercent);
  }

  /** {@code percent} of the clients' reads go through ReadIndex, the rest through the log. */
  SimConfig withReadIndexPercent(int percent) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        mutations, everyBatchWaits, membership, spareNodes, snapshotEvery, percent, readKinds, sessions, pausePercent);
  }
}
