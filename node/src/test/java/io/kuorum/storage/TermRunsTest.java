package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TermRunsTest {

  private static TermRuns of(long... termsFromIndexOne) {
    TermRuns runs = new TermRuns();
    for (int i = 0; i < termsFromIndexOne.length; i++) runs.append(i + 1, termsFromIndexOne[i]);
    return runs;
  }

  @Test
  void oneRunPerTermChange() {
    TermRuns runs = of(1, 1, 1, 2, 2, 5, 5, 5, 5, 6);
    assertThat(runs.runCount()).isEqualTo(4);
    long[] expected = {1, 1, 1, 2, 2, 5, 5, 5, 5, 6};
    for (int i = 0; i < expected.length; i++) assertThat(runs.term(i + 1)).as("index %d", i + 1).isEqualTo(expected[i]);
  }

  @Test
  void truncateThenAppendReplacesTheTail() {
    TermRuns runs = of(1, 1, 2, 2, 3);
    runs.truncateFrom(4);
    runs.append(4, 4);
    runs.append(5, 4);
    assertThat(runs.term(3)).isEqualTo(2);
    assertThat(runs.term(4)).isEqualTo(4);
    assertThat(runs.term(5)).isEqualTo(4);
    runs.truncateFrom(3); // in the middle of a run: the run's start survives
    runs.append(3, 2);
    assertThat(runs.term(3)).isEqualTo(2);
    assertThat(runs.runCount()).isEqualTo(2);
  }

  @Test
  void dropBeforeKeepsTheRunHoldingTheNewFirstIndex() {
    TermRuns runs = of(1, 1, 2, 2, 3, 3);
    runs.dropBefore(4);
    assertThat(runs.runCount()).isEqualTo(2);
    assertThat(runs.term(4)).isEqualTo(2);
    assertThat(runs.term(6)).isEqualTo(3);
  }

  @Test
  void growsPastItsInitialCapacity() {
    TermRuns runs = new TermRuns();
    for (long i = 1; i <= 1000; i++) runs.append(i, i);
    assertThat(runs.runCount()).isEqualTo(1000);
    assertThat(runs.term(777)).isEqualTo(777);
  }
}
