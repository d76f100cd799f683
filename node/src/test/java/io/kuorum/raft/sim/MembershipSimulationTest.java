package io.kuorum.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.sim.SimConfig.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulations whose membership changes while every fault of the core simulation happens:
 * random grow, shrink and replace transitions (the leader among the removed members at times),
 * leadership transfers, forbidden changes that must be refused, and the scripted 1 → 3 → 5 → 3 → 1.
 * Invariants and linearizability must hold on every seed; after healing the cluster must commit
 * within the recovery bound and no leader may be left between C_old and C_new.
 *
 * <p>{@code -Dsim.membershipSeeds=N} (default 500); {@code -Dsim.seed=S} replays one run.
 */
class MembershipSimulationTest {

  static SimConfig configFor(long seed) {
    SimConfig c = switch ((int) (seed % 4)) {
      case 0, 1 -> SimConfig.standard(3).withMembership(Membership.RANDOM, 6);
      case 2 -> SimConfig.standard(5).withMembership(Membership.RANDOM, 4);
      default -> SimConfig.standard(1).withMembership(Membership.GROW_AND_SHRINK, 4);
    };
    // Every node snapshots and compacts about every 40 entries: new and lagging members catch up by
    // InstallSnapshot, also in the middle of joint transitions.
    c = c.withSnapshots(40).withReadKinds(SimulationTest.READS);
    return switch ((int) (seed % 8)) {
      case 1 -> c.withElectionRules(false, false);
      case 5 -> c.withElectionRules(false, true);
      case 6 -> c.withElectionRules(true, false);
      default -> c;
    };
  }

  @Test
  void safeWhileMembersComeAndGo() {
    String one = System.getProperty("sim.seed");
    long[] seeds = one != null && !one.isBlank()
        ? new long[] {Long.parseLong(one)}
        : LongStream.range(7_000_000L, 7_000_000L + Integer.getInteger("sim.membershipSeeds", 500)).toArray();
    List<String> failures = new ArrayList<>();
    List<RunResult> results = new ArrayList<>();
    for (long seed : seeds) {
      RunResult r = Simulation.run(configFor(seed), seed);
      results.add(r);
      if (!r.safe()) failures.add(r.describe());
      else if (r.recoveryTicks().isEmpty() || r.recoveryTicks().getAsLong() > SimulationTest.RECOVERY_BOUND_TICKS) {
        failures.add("liveness: no commit within " + SimulationTest.RECOVERY_BOUND_TICKS + " ticks of healing\n" + r.describe());
      }
      if (failures.size() >= 3) break;
    }
    List<RunResult> scripted = results.stream().filter(r -> r.config().membership() == Membership.GROW_AND_SHRINK).toList();
    long completed = scripted.stream().filter(r -> r.votersReached().equals(List.of(1, 3, 5, 3, 1))).count();
    System.out.printf("membership simulation: %d runs, changes accepted %d (%d removing the leader), refused %d, "
            + "transfers %d; 1->3->5->3->1 completed in %d of %d scripted runs despite the faults%n%s%n",
        results.size(), results.stream().mapToInt(RunResult::membershipChanges).sum(),
        results.stream().mapToInt(RunResult::leaderRemovals).sum(),
        results.stream().mapToInt(RunResult::membershipRefusals).sum(), results.stream().mapToInt(RunResult::transfers).sum(),
        completed, scripted.size(), SimulationTest.SimulationStats.summarize("membership", results));
    assertThat(failures).as("failing seeds").isEmpty();
    assertThat(results.stream().mapToInt(RunResult::membershipChanges).sum()).as("membership changes made").isPositive();
    if (results.size() >= 100) {
      assertThat(results.stream().mapToInt(RunResult::leaderRemovals).sum()).as("changes that removed the leader").isPositive();
    }
    // Deterministic: 120 of 125 scripted runs complete the path despite the faults; most must.
    if (scripted.size() >= 10) assertThat(completed).as("scripted runs that went 1->3->5->3->1").isGreaterThan(scripted.size() / 2);
  }

  @Test
  void growsFromOneToFiveAndBackWithoutFaults() {
    for (long seed = 1; seed <= 20; seed++) {
      RunResult r = Simulation.run(SimConfig.standard(1).withMembership(Membership.GROW_AND_SHRINK, 4).withoutFaults(), seed);
      assertThat(r.safe()).as(r.describe()).isTrue();
      assertThat(r.votersReached()).as(r.describe()).containsExactly(1, 3, 5, 3, 1);
    }
  }
}
