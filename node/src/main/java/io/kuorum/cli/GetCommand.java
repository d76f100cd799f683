package io.kuorum.cli;

import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.ReadConsistency;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Prints the value of KEY (exit code 1 when it is absent).",
    footer = ExitCodes.FOOTER)
final class GetCommand extends ClientCommand {
  @Option(names = "--consistency", defaultValue = "linearizable",
      description = "linearizable (default: the leader confirms it still leads) or serializable (any member answers from "
          + "its own state: faster, may miss recent writes).")
  private ReadConsistency consistency;

  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Override
  int run(KuorumClient client) {
    Optional<KeyValue> found = client.get(key, consistency);
    if (found.isEmpty()) {
      return notFound("key not found: " + key);
    }
    KeyValue kv = found.get();
    if (format() == OutputFormat.JSON) {
      out().println(Json.keyValue(new JsonWriter(), kv));
    } else {
      out().println(kv.valueUtf8());
    }
    return ExitCodes.OK;
  }
}
