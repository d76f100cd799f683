package io.kuorum.cli;

import io.kuorum.client.ReadConsistency;
import picocli.CommandLine.Option;

/** {@code --consistency} of the commands that read. */
final class ReadConsistencyOption {

  @Option(names = "--consistency", defaultValue = "linearizable",
      description = "linearizable (default: the leader confirms it still leads) or serializable (any member answers from "
          + "its own state: faster, may miss recent writes).")
  ReadConsistency value;
}
