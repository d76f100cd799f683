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
    Set<Mutation> mutations) {

  static SimConfig standard(int nodes) {
    return new SimConfig(nodes, 10, 10, true, true, 8_000, 4_000, 4, 4, 1_000, 150, 1_200, 3, 1, 4, 8, 4, Set.of());
  }

  SimConfig withMutation(Mutation m) {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend, maxInflightAppends,
        Set.of(m));
  }

  SimConfig withElectionRules(boolean withPreVote, boolean withCheckQuorum) {
    return new SimConfig(nodes, tickMs, electionTicks, withPreVote, withCheckQuorum, chaosMs, calmMs, clients, keys,
        opTimeoutMs, faultEveryMinMs, faultEveryMaxMs, crashWeight, fsyncMinMs, fsyncMaxMs, maxEntriesPerAppend,
        maxInflightAppends, mutations);
  }

  /** More crashes, slower disks and one entry per append: the interleavings that expose persistence bugs. */
  SimConfig crashHeavy() {
    return new SimConfig(nodes, tickMs, electionTicks, preVote, checkQuorum, chaosMs, calmMs, clients, keys, opTimeoutMs,
        60, 500, 12, 2, 15, 1, maxInflightAppends, mutations);
  }
}
