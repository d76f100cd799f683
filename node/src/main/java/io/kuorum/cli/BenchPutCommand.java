package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code kuorumctl bench put}: puts from CLIENTS concurrent callers over KEY_SPACE keys (put number i
 * writes key i modulo the key space, so a small key space means overwrites), TOTAL of them or for a
 * duration. Reports progress every second on stderr, then throughput and latency percentiles (exact:
 * every latency is kept).
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Puts values from CLIENTS concurrent callers (TOTAL of them, or for --duration); prints puts/s and "
        + "latency percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchPutCommand extends BenchWorkload {

  @Mixin private BenchValueOption val;

  private byte[] value;

  @Override
  String name() {
    return "put";
  }

  @Override
  List<String> kinds() {
    return List.of("put");
  }

  @Override
  String counted() {
    return "puts";
  }

  @Override
  void validate() {
    value = val.value(spec.commandLine());
  }

  @Override
  LoadRun.Op operation(KuorumClient client, long keySpace) {
    return i -> {
      client.put(BenchKeys.key(i % keySpace, load.keySize), value);
      return 0;
    };
  }

  @Override
  void json(JsonWriter w) {
    w.name("valSize").value(val.valSize);
  }

  @Override
  String details() {
    return " (" + val.valSize + " B values)";
  }
}
