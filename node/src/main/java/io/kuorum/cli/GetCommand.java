package io.kuorum.cli;

import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Prints the value of KEY (exit code 1 when it is absent).",
    footer = ExitCodes.FOOTER)
final class GetCommand extends ClientCommand {
  @Mixin private ReadConsistencyOption consistency;

  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Override
  int run(KuorumClient client) {
    Optional<KeyValue> found = client.get(key, consistency.value);
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
