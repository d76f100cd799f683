package io.kuorum.cli;

import io.kuorum.client.CasResult;
import io.kuorum.client.KuorumClient;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    name = "cas",
    mixinStandardHelpOptions = true,
    description = {
      "Sets KEY to NEW if it holds EXPECTED (exit code 1 if it does not).",
      "With --absent: sets KEY to NEW if it does not exist: kuorumctl cas --absent KEY NEW"
    },
    footer = ExitCodes.FOOTER)
final class CasCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Parameters(index = "1..*", arity = "1..2", paramLabel = "EXPECTED NEW",
      description = "EXPECTED and NEW, or only NEW with --absent.")
  private List<String> values;

  @Option(names = "--absent", description = "Expect KEY to be absent (then give only NEW).")
  private boolean absent;

  @Override
  int run(KuorumClient client) {
    int wanted = absent ? 1 : 2;
    if (values.size() != wanted) {
      throw new ParameterException(
          spec.commandLine(),
          absent
              ? "with --absent give KEY and NEW only"
              : "give KEY, EXPECTED and NEW (or --absent KEY NEW to create a missing key)");
    }
    Optional<String> expected = absent ? Optional.empty() : Optional.of(values.get(0));
    String newValue = values.get(wanted - 1);
    CasResult result = client.compareAndSet(key, expected, newValue);
    if (format() == OutputFormat.JSON) {
      var json = new JsonWriter().beginObject().name("succeeded").value(result.succeeded());
      json.name("revision").value(result.revision()).name("previousValue");
      result.previousValueUtf8().ifPresentOrElse(json::value, json::nullValue);
      out().println(json.endObject());
    } else if (result.succeeded()) {
      out().println("OK (revision " + result.revision() + ")");
    }
    if (result.succeeded()) {
      return ExitCodes.OK;
    }
    String actual =
        result.previousValueUtf8().map(v -> "holds \"" + v + "\"").orElse("is absent");
    return notFound("compare-and-set failed: " + key + " " + actual);
  }
}
