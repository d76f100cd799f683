package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.MembershipResult;
import java.util.List;
import java.util.SortedSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "change-voters",
    mixinStandardHelpOptions = true,
    description = {
      "Makes the given ids the exact voter set, in one joint transition.",
      "Every new voter must be a caught-up learner (see 'kuorumctl members list');"
          + " voters left out stop voting.",
      "Example: kuorumctl members change-voters 1,2,4"
    },
    footer = ExitCodes.FOOTER)
final class ChangeVotersCommand extends MembershipCommand {
  @Parameters(arity = "1..*", paramLabel = "ID[,ID...]",
      description = "The voter ids, separated by commas or spaces.")
  private List<String> ids;

  @Override
  int run(KuorumClient client) {
    SortedSet<Long> voters = MemberIds.parseAll(spec.commandLine(), ids);
    MembershipResult result = withArgumentsChecked(() -> client.changeVoters(voters));
    // The leader's answer lists the configuration; an older one might not.
    List<Long> after = result.members().isEmpty() ? List.copyOf(voters) : result.voters();
    return report(result, "voters changed to " + after, "the voters already are " + after);
  }
}
