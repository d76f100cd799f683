package io.kuorum.cli;

import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.RangeResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    name = "range",
    mixinStandardHelpOptions = true,
    description = "Lists keys starting with PREFIX (all keys without one), in byte order.",
    footer = ExitCodes.FOOTER)
final class RangeCommand extends ClientCommand {
  @Mixin private ReadConsistencyOption consistency;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", defaultValue = "")
  private String prefix;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description = "At most N keys; 0 means as many as the server allows (default: 0).")
  private int limit;

  @Override
  int run(KuorumClient client) {
    if (limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit must be 0 or more, was " + limit);
    }
    RangeResult result = client.range(prefix, limit, consistency.value);
    if (format() == OutputFormat.JSON) {
      var json = new JsonWriter().beginObject().name("kvs").beginArray();
      result.entries().forEach(kv -> Json.keyValue(json, kv));
      json.endArray().name("more").value(result.more()).name("revision").value(result.revision());
      out().println(json.endObject());
    } else {
      var table = new TextTable(List.of("KEY", "VALUE", "REVISION"));
      for (KeyValue kv : result.entries()) {
        table.addRow(List.of(kv.keyUtf8(), kv.valueUtf8(), Long.toString(kv.revision())));
      }
      out().print(table.render());
      if (result.more()) {
        err().println(
            "kuorumctl: more keys match than were listed; raise --limit or narrow the prefix");
      }
    }
    out().flush();
    return ExitCodes.OK;
  }
}
