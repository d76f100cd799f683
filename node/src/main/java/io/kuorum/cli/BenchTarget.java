package io.kuorum.cli;

/** {@code --target} of {@code kuorumctl bench get}: which members the reads go to. */
enum BenchTarget {
  /** Every read to the leader, found from the members' statuses before the run. */
  LEADER,
  /** The callers spread over every endpoint, round-robin: followers serve reads too (§6.4). */
  ALL
}
