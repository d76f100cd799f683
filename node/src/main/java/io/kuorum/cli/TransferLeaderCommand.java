package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.TransferResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "transfer-leader",
    mixinStandardHelpOptions = true,
    description = {
      "Hands leadership to voter ID, or with 'auto' to the most up-to-date voter.",
      "Waits until the new leader is known."
    },
    footer = ExitCodes.FOOTER)
final class TransferLeaderCommand extends ClientCommand {
  /** The wire's way of saying "pick one". */
  private static final long AUTO = 0;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ID|auto", defaultValue = "auto",
      description = "The voter to lead next (default: auto).")
  private String target;

  @Override
  int run(KuorumClient client) {
    long targetId =
        target.trim().equalsIgnoreCase("auto") ? AUTO : MemberIds.parse(spec.commandLine(), target);
    TransferResult result = withArgumentsChecked(() -> client.transferLeadership(targetId));
    if (format() == OutputFormat.JSON) {
      out().println(Json.transferResult(new JsonWriter(), result));
    } else {
      String said = result.message().isBlank() ? "" : ": " + result.message();
      out().println(
          "node " + result.leaderId() + " leads now (after " + result.duration().toMillis()
              + " ms)" + said);
    }
    out().flush();
    return ExitCodes.OK;
  }
}
