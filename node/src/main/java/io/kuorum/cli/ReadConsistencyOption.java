package io.kuorum.cli;

import io.kuorum.client.ReadConsistency;
import picocli.CommandLine.Option;

/** {@code --consistency} of the commands that read. */
final class ReadConsistencyOption {

  @Option(names = "--consistency", defaultValue = "linearizable",
      description = "linearizable (default: confirmed by a quorum round at the leader; any member answers), "
          + "serializable (any member answers from its own state: faster, may miss recent writes) or lease (the "
          + "leader answers without a quorum round while its lease holds: linearizable if the members' clocks "
          + "tick at about the same rate).")
  ReadConsistency value;
}
