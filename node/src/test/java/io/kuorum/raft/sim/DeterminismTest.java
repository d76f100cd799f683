package io.kuorum.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A reported seed is only useful if it replays the same run: everything the simulation does must
 * follow from the seed (no wall clock, no salted hash iteration, no unseeded randomness).
 */
class DeterminismTest {

  @Test
  void aSeedReplaysTheSameRunAndAnotherSeedDoesNot() {
    SimConfig config = SimConfig.standard(5);
    RunResult first = Simulation.run(config, 42);
    RunResult again = Simulation.run(config, 42);
    RunResult other = Simulation.run(config, 43);

    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(again).usingRecursiveComparison().ignoringFields("linearizability").isEqualTo(first);
    assertThat(other.fingerprint()).isNotEqualTo(first.fingerprint());
    assertThat(first.messagesSent()).isPositive();
  }
}
