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
      // The server says what happened ("node 2 leads now", or who won instead); add how long it took.
      String said = result.message().isBlank() ? "node " + result.leaderId() + " leads now" : result.message();
      out().println(said + " (after " + result.duration().toMillis() + " ms)");
    }
    out().flush();
    return ExitCodes.OK;
  }
}
