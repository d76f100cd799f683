package io.kuorum.cli;

/** {@code --target} of {@code kuorumctl bench}: which members the connections start at. */
enum BenchTarget {
  /** Every connection to the leader, found from the members' statuses before the run. */
  LEADER,
  /** The connections spread over every endpoint, round-robin: followers serve reads too (§6.4); writes are redirected to the leader. */
  ALL
}
