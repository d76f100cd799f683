package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code kuorumctl bench get}: TOTAL gets from CLIENTS concurrent callers over KEY_SPACE keys (get number
 * i reads key i modulo the key space; write them first with {@code bench put} and the same key space
 * and size, or the gets find nothing), linearizable or serializable.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Gets TOTAL keys from CLIENTS concurrent callers; prints gets/s and latency percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchGetCommand extends ClientCommand {

  @Mixin private BenchOptions load;

  @Mixin private ReadConsistencyOption consistency;

  @Override
  int run(KuorumClient client) {
    long space = load.validate(spec.commandLine());
    LoadRun.Result r = LoadRun.run(load.clients, load.total, "gets", err(),
        i -> client.get(BenchKeys.key(i % space, load.keySize), consistency.value));
    String level = consistency.value.name().toLowerCase(java.util.Locale.ROOT);
    if (format() == OutputFormat.JSON) {
      out().println(r.json(new JsonWriter().beginObject().name("op").value("get").name("consistency").value(level)
          .name("clients").value(load.clients).name("keySpace").value(space)).endObject());
    } else {
      out().printf("get (%s): %s with %d clients over %,d keys%n", level, r.text(), load.clients, space);
    }
    return ExitCodes.OK;
  }
}
