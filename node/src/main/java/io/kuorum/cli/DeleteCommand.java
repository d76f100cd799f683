package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "del",
    aliases = "delete",
    mixinStandardHelpOptions = true,
    description = "Deletes KEY (exit code 1 when it was absent).",
    footer = ExitCodes.FOOTER)
final class DeleteCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Override
  int run(KuorumClient client) {
    boolean deleted = client.delete(key);
    if (format() == OutputFormat.JSON) {
      out().println(new JsonWriter().beginObject().name("deleted").value(deleted).endObject());
    } else if (deleted) {
      out().println("OK (deleted)");
    }
    return deleted ? ExitCodes.OK : notFound("key not found: " + key);
  }
}
