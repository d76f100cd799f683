package io.kuorum.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Mutation;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proof that the simulator's checks bite: each deliberately broken rule of the core must be caught by
 * the invariant checker or the linearizability checker within a bounded number of seeds.
 */
class BrokenVariantsTest {

  static final int MAX_SEEDS = Integer.getInteger("sim.brokenSeeds", 1000);

  @ParameterizedTest
  @EnumSource(Mutation.class)
  void everyBrokenRuleIsCaught(Mutation mutation) {
    Optional<RunResult> caught = Optional.empty();
    int tried = 0;
    long first = Long.getLong("sim.seed", 1L); // -Dsim.seed=S replays a reported seed first
    for (long seed = first; seed < first + MAX_SEEDS && caught.isEmpty(); seed++) {
      tried++;
      for (int nodes : new int[] {3, 5}) {
        RunResult r = Simulation.run(configFor(mutation, nodes), seed);
        if (!r.safe()) {
          caught = Optional.of(r);
          break;
        }
      }
    }
    assertThat(caught).as("a violation caused by %s within %d seeds", mutation, MAX_SEEDS).isPresent();
    System.out.println(mutation + " caught after " + tried + " seed(s):\n" + caught.get().describe());
  }

  /** Membership mutations need membership changes to show; the others run on fixed voters. */
  private static SimConfig configFor(Mutation mutation, int nodes) {
    if (mutation == Mutation.JOINT_DECIDES_ON_NEW_ONLY) {
      return SimConfig.standard(nodes).withMutation(mutation).withMembership(SimConfig.Membership.RANDOM, 6)
          .withReadIndexPercent(0).withSessions(false).withPauses(0);
    }
    if (mutation == Mutation.KEEP_CONFIGURATION_ON_INSTALL) {
      return SimConfig.standard(nodes).withMutation(mutation).withMembership(SimConfig.Membership.RANDOM, 6).withSnapshots(20)
          .withReadIndexPercent(0).withSessions(false).withPauses(0);
    }
    if (mutation == Mutation.READ_WITHOUT_QUORUM_ROUND) {
      // A leader cut off from the majority keeps believing it leads (no check-quorum, as etcd's stale reads).
      return SimConfig.standard(nodes).withElectionRules(true, false).withMutation(mutation).withReadIndexPercent(100)
          .withSessions(false).withPauses(0);
    }
    if (mutation == Mutation.LEASE_BEFORE_OWN_TERM_COMMIT) {
      // Every read a lease read at the leader (lease reads need check-quorum, as the standard rules have).
      return SimConfig.standard(nodes).withMutation(mutation).withReadIndexPercent(100)
          .withReadKinds(new SimConfig.ReadKinds(0, 100, 0));
    }
    if (mutation == Mutation.READ_BEFORE_OWN_TERM_COMMIT) {
      // A new leader learns of its predecessor's last commits only through its own first commit.
      return SimConfig.standard(nodes).withMutation(mutation).withReadIndexPercent(100).withSessions(false).withPauses(0);
    }
    if (mutation == Mutation.SESSIONS_LEFT_OUT_OF_SNAPSHOTS) {
      // Retried writes meet members that restarted from, or installed, a snapshot without the session table.
      return SimConfig.standard(nodes).crashHeavy().withMutation(mutation).withSnapshots(20);
    }
    // Rules of the log and elections: reads through the log only, as these runs were tuned.
    return SimConfig.standard(nodes).crashHeavy().withMutation(mutation).withReadIndexPercent(0).withSessions(false).withPauses(0);
  }

  /**
   * The history check on its own: with the invariant checker's verdict ignored, lost committed writes
   * must still show up as a client history that has no linearization.
   */
  @Test
  void linearizabilityCheckerAloneCatchesLostWrites() {
    Mutation mutation = Mutation.NO_ELECTION_RESTRICTION;
    Optional<RunResult> caught = Optional.empty();
    for (long seed = 1; seed <= MAX_SEEDS && caught.isEmpty(); seed++) {
      for (int nodes : new int[] {3, 5}) {
        RunResult r = Simulation.run(SimConfig.standard(nodes).crashHeavy().withMutation(mutation).withReadIndexPercent(0)
            .withSessions(false).withPauses(0), seed);
        if (!r.linearizability().isLinearizable()) {
          caught = Optional.of(r);
          break;
        }
      }
    }
    assertThat(caught).as("a non-linearizable history caused by %s within %d seeds", mutation, MAX_SEEDS).isPresent();
    System.out.println(mutation + " caught by the history check:\n" + caught.get().describe());
  }

  /**
   * Retried writes applied twice must show in the client history too, not only as diverging state: with
   * the invariant checker's verdict ignored, snapshots without the session table must still produce a
   * history that has no linearization.
   */
  @Test
  void linearizabilityCheckerAloneCatchesRetriesAppliedTwice() {
    Mutation mutation = Mutation.SESSIONS_LEFT_OUT_OF_SNAPSHOTS;
    Optional<RunResult> caught = Optional.empty();
    for (long seed = 1; seed <= MAX_SEEDS && caught.isEmpty(); seed++) {
      for (int nodes : new int[] {3, 5}) {
        RunResult r = Simulation.run(configFor(mutation, nodes), seed);
        if (!r.linearizability().isLinearizable()) {
          caught = Optional.of(r);
          break;
        }
      }
    }
    assertThat(caught).as("a non-linearizable history caused by %s within %d seeds", mutation, MAX_SEEDS).isPresent();
    System.out.println(mutation + " caught by the history check:\n" + caught.get().describe());
  }
}
