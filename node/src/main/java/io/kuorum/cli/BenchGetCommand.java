package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code kuorumctl bench get}: gets from CLIENTS concurrent callers over KEY_SPACE keys (get number i
 * reads key i modulo the key space; write them first with {@code bench put} and the same key space
 * and size, or the gets find nothing), linearizable, serializable or by lease, TOTAL of them or for a
 * duration. With {@code --target leader} (the default) every get goes to the leader, found from the
 * members' statuses first; with {@code --target all} the connections are spread round-robin over the
 * endpoints (followers serve linearizable reads too, §6.4).
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Gets keys from CLIENTS concurrent callers (TOTAL of them, or for --duration); prints gets/s and "
        + "latency percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchGetCommand extends BenchWorkload {

  @Mixin private ReadConsistencyOption consistency;

  @Override
  String name() {
    return "get";
  }

  @Override
  List<String> kinds() {
    return List.of("get");
  }

  @Override
  String counted() {
    return "gets";
  }

  @Override
  LoadRun.Op operation(KuorumClient client, long keySpace) {
    return i -> {
      client.get(BenchKeys.key(i % keySpace, load.keySize), consistency.value);
      return 0;
    };
  }

  private String level() {
    return consistency.value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  void json(JsonWriter w) {
    w.name("consistency").value(level());
  }

  @Override
  String heading() {
    return "get (" + level() + ")";
  }
}
