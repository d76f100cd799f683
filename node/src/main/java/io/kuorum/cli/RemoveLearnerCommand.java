package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.MembershipResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "remove-learner",
    mixinStandardHelpOptions = true,
    description = "Removes learner ID. (A voter leaves through change-voters.)",
    footer = ExitCodes.FOOTER)
final class RemoveLearnerCommand extends MembershipCommand {
  @Parameters(index = "0", paramLabel = "ID")
  private String id;

  @Override
  int run(KuorumClient client) {
    long member = MemberIds.parse(spec.commandLine(), id);
    MembershipResult result = withArgumentsChecked(() -> client.removeLearner(member));
    return report(
        result, "learner " + member + " removed", "node " + member + " is not a learner");
  }
}
