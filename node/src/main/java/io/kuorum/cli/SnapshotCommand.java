package io.kuorum.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kuorumctl snapshot ...}: backups of the cluster's state. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Saves a consistent backup of the cluster (save) and describes a saved one (status).",
      "A backup seeds a new cluster with 'kuorum restore FILE --data DIR --id N --members ...'."
    },
    subcommands = {SnapshotSaveCommand.class, SnapshotStatusCommand.class},
    footer = ExitCodes.FOOTER)
final class SnapshotCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: save or status");
  }
}
