package io.kuorum.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kuorumctl members ...}: the cluster's configuration and changes to it. */
@Command(
    name = "members",
    mixinStandardHelpOptions = true,
    description = {
      "Lists and changes the members of the cluster.",
      "A new member joins as a learner (add-learner), catches up, then becomes a voter in one"
          + " joint transition (change-voters)."
    },
    subcommands = {
      MembersListCommand.class,
      AddLearnerCommand.class,
      ChangeVotersCommand.class,
      RemoveLearnerCommand.class
    },
    footer = ExitCodes.FOOTER)
final class MembersCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "missing command: list, add-learner, change-voters or remove-learner");
  }
}
