package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code kuorumctl bench mixed}: operations from CLIENTS concurrent callers over KEY_SPACE keys, each
 * one a get (at {@code --consistency}) with probability READ_PERCENT percent and a put otherwise,
 * chosen per operation; operation i uses key i modulo the key space. Reports the total rate and the
 * gets' and the puts' rates and latency percentiles separately.
 */
@Command(
    name = "mixed",
    mixinStandardHelpOptions = true,
    description = "Gets and puts from CLIENTS concurrent callers (TOTAL operations, or for --duration), each operation "
        + "a get with probability --read-percent; prints the total rate and the gets' and puts' rates and latency "
        + "percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchMixedCommand extends BenchWorkload {

  private static final int GET = 0;
  private static final int PUT = 1;

  @Mixin private ReadConsistencyOption consistency;

  @Mixin private BenchValueOption val;

  @Option(names = "--read-percent", defaultValue = "50", paramLabel = "P",
      description = "Percentage of operations that are gets, 0 to 100 (default ${DEFAULT-VALUE}); the rest are puts.")
  private int readPercent;

  private byte[] value;

  @Override
  String name() {
    return "mixed";
  }

  @Override
  List<String> kinds() {
    return List.of("get", "put");
  }

  @Override
  String counted() {
    return "operations";
  }

  @Override
  void validate() {
    if (readPercent < 0 || readPercent > 100) {
      throw new ParameterException(spec.commandLine(), "--read-percent must be between 0 and 100, not " + readPercent);
    }
    value = val.value(spec.commandLine());
  }

  @Override
  LoadRun.Op operation(KuorumClient client, long keySpace) {
    return i -> {
      byte[] key = BenchKeys.key(i % keySpace, load.keySize);
      if (ThreadLocalRandom.current().nextInt(100) < readPercent) {
        client.get(key, consistency.value);
        return GET;
      }
      client.put(key, value);
      return PUT;
    };
  }

  private String level() {
    return consistency.value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  void json(JsonWriter w) {
    w.name("readPercent").value(readPercent).name("consistency").value(level()).name("valSize").value(val.valSize);
  }

  @Override
  String heading() {
    return "mixed (" + readPercent + "% " + level() + " gets)";
  }

  @Override
  String details() {
    return " (" + val.valSize + " B values)";
  }
}
