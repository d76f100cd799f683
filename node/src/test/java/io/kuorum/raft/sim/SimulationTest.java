package io.kuorum.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded whole-cluster simulations with every fault of the Raft paper: the invariants and the
 * linearizability of the client history must hold on every seed, and after the faults heal the
 * cluster must elect a leader and commit within a bounded number of ticks.
 *
 * <p>{@code -Dsim.seeds=N} runs N seeds in all, half on 3 nodes and half on 5 (default 1000);
 * {@code -Dsim.seed=S -Dsim.nodes=K} replays one run.
 */
class SimulationTest {

  /**
   * Of the reads that skip the log: 30% linearizable at a random member (followers ask the leader),
   * 30% lease reads at the leader (with check-quorum), 15% serializable at a random member, the rest
   * ReadIndex at the leader.
   */
  static final SimConfig.ReadKinds READS = new SimConfig.ReadKinds(30, 30, 15);

  /** Liveness bound after healing: generous, since a crashed node may return with a higher term. */
  static final long RECOVERY_BOUND_TICKS = 300;

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void safeUnderEveryFaultAndLiveAfterHealing(int nodes) {
    long[] seeds = seeds(nodes);
    assumeTrue(seeds.length > 0, "replaying a seed of another cluster size");
    List<RunResult> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (long seed : seeds) {
      RunResult r = Simulation.run(SimulationTest.configFor(nodes, seed), seed);
      results.add(r);
      if (!r.safe()) failures.add(r.describe());
      else if (r.recoveryTicks().isEmpty() || r.recoveryTicks().getAsLong() > RECOVERY_BOUND_TICKS) {
        failures.add("liveness: no commit within " + RECOVERY_BOUND_TICKS + " ticks of healing\n" + r.describe());
      }
      if (failures.size() >= 3) break;
    }
    System.out.println(SimulationStats.summarize(nodes + " nodes", results));
    assertThat(failures).as("failing seeds").isEmpty();
    assertThat(results.stream().mapToInt(RunResult::opsOk).sum()).as("client operations that completed").isPositive();
    if (results.size() >= 20) {
      assertThat(results.stream().mapToInt(RunResult::anyMemberReadsOk).sum()).as("linearizable reads at any member").isPositive();
      assertThat(results.stream().mapToInt(RunResult::leaseReadsOk).sum()).as("lease reads").isPositive();
      assertThat(results.stream().mapToInt(RunResult::serializableReadsOk).sum()).as("serializable reads").isPositive();
    }
  }

  /**
   * Most seeds run the production election rules (pre-vote and check-quorum); every fourth runs
   * the paper's plain Raft and the two mixes, so the basic algorithm is covered as well.
   */
  static SimConfig configFor(int nodes, long seed) {
    // Odd seeds snapshot and compact on every node, so lagging and restarted nodes catch up by InstallSnapshot.
    SimConfig standard = (seed % 2 == 1 ? SimConfig.standard(nodes).withSnapshots(40) : SimConfig.standard(nodes))
        .withReadKinds(READS);
    return switch ((int) (seed % 8)) {
      case 1 -> standard.withElectionRules(false, false);
      case 3 -> standard.withElectionRules(true, false);
      case 5 -> standard.withElectionRules(false, true);
      default -> standard;
    };
  }

  static long[] seeds(int nodes) {
    String one = System.getProperty("sim.seed");
    if (one != null && !one.isBlank()) {
      String n = System.getProperty("sim.nodes");
      return n == null || n.isBlank() || Integer.parseInt(n) == nodes ? new long[] {Long.parseLong(one)} : new long[0];
    }
    int total = Integer.getInteger("sim.seeds", 1000);
    int perSize = Math.max(1, total / 2);
    long base = nodes * 1_000_000L;
    return LongStream.range(base, base + perSize).toArray();
  }

  /** Distribution of the liveness and fault figures over a set of runs. */
  static final class SimulationStats {
    static String summarize(String label, List<RunResult> results) {
      long[] recovery = results.stream().filter(r -> r.recoveryTicks().isPresent())
          .mapToLong(r -> r.recoveryTicks().getAsLong()).sorted().toArray();
      LongSummaryStatistics faults = results.stream().mapToLong(RunResult::faults).summaryStatistics();
      double electionsPerFault = results.stream().mapToDouble(r -> r.faults() == 0 ? 0 : (double) r.leadersElected() / r.faults()).average().orElse(0);
      return String.format("simulation %s: %d runs, faults/run avg %.1f (paused nodes %d), leaders elected per fault avg %.2f, "
              + "ticks to recover after healing p50=%d p90=%d p99=%d max=%d, ops ok=%d unknown=%d failed=%d, "
              + "snapshots taken %d, installed %d, reads at any member %d, lease reads %d, serializable reads %d",
          label, results.size(), faults.getAverage(), results.stream().mapToInt(RunResult::pauses).sum(), electionsPerFault, pct(recovery, 50), pct(recovery, 90),
          pct(recovery, 99), recovery.length == 0 ? -1 : recovery[recovery.length - 1],
          results.stream().mapToInt(RunResult::opsOk).sum(), results.stream().mapToInt(RunResult::opsUnknown).sum(),
          results.stream().mapToInt(RunResult::opsFailed).sum(), results.stream().mapToInt(RunResult::snapshotsTaken).sum(),
          results.stream().mapToInt(RunResult::snapshotsInstalled).sum(), results.stream().mapToInt(RunResult::anyMemberReadsOk).sum(),
          results.stream().mapToInt(RunResult::leaseReadsOk).sum(), results.stream().mapToInt(RunResult::serializableReadsOk).sum());
    }

    private static long pct(long[] sorted, int p) {
      if (sorted.length == 0) return -1;
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
  }
}
