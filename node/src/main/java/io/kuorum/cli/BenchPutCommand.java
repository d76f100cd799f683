package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code kuorumctl bench put}: TOTAL puts from CLIENTS concurrent callers over KEY_SPACE keys (key i
 * is written by put number i modulo the key space, so a small key space means overwrites). Reports
 * progress every second on stderr, then throughput and latency percentiles (exact: every latency is
 * kept).
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Puts TOTAL values from CLIENTS concurrent callers; prints puts/s and latency percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchPutCommand extends ClientCommand {

  @Mixin private BenchOptions load;

  @Option(names = "--val-size", defaultValue = "256", description = "Value length in bytes (default ${DEFAULT-VALUE}).")
  private int valSize;

  @Override
  int run(KuorumClient client) {
    long space = load.validate(spec.commandLine());
    if (valSize < 0) throw new ParameterException(spec.commandLine(), "--val-size must be >= 0, not " + valSize);

    byte[] value = new byte[valSize];
    Arrays.fill(value, (byte) 'v');
    LoadRun.Result r = LoadRun.run(load.clients, load.total, "puts", err(),
        i -> client.put(BenchKeys.key(i % space, load.keySize), value));
    if (format() == OutputFormat.JSON) {
      out().println(r.json(new JsonWriter().beginObject().name("op").value("put").name("clients").value(load.clients)
          .name("keySpace").value(space).name("valSize").value(valSize)).endObject());
    } else {
      out().printf("put: %s with %d clients over %,d keys (%d B values)%n", r.text(), load.clients, space, valSize);
    }
    return ExitCodes.OK;
  }
}
