package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Sets KEY to VALUE.",
    footer = ExitCodes.FOOTER)
final class PutCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Parameters(index = "1", paramLabel = "VALUE")
  private String value;

  @Override
  int run(KuorumClient client) {
    long revision = client.put(key, value);
    if (format() == OutputFormat.JSON) {
      out().println(new JsonWriter().beginObject().name("revision").value(revision).endObject());
    } else {
      out().println("OK (revision " + revision + ")");
    }
    return ExitCodes.OK;
  }
}
