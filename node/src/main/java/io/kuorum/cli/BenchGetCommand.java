package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kuorumctl bench get}: TOTAL gets from CLIENTS concurrent callers over KEY_SPACE keys (get number
 * i reads key i modulo the key space; write them first with {@code bench put} and the same key space
 * and size, or the gets find nothing), linearizable, serializable or by lease. With {@code --target
 * leader} (the default) every get goes to the leader, found from the members' statuses first; with
 * {@code --target all} the callers are spread round-robin over the endpoints, each endpoint's callers
 * sharing a client that asks that endpoint first (followers serve linearizable reads too, §6.4).
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Gets TOTAL keys from CLIENTS concurrent callers; prints gets/s and latency percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchGetCommand extends ClientCommand {

  @Mixin private BenchOptions load;

  @Mixin private ReadConsistencyOption consistency;

  @Option(names = "--target", defaultValue = "leader",
      description = "leader (default: every get to the leader, found first from the members' statuses) or all "
          + "(the callers spread round-robin over every endpoint).")
  private BenchTarget target;

  @Override
  int run(KuorumClient client) {
    long space = load.validate(spec.commandLine());
    List<String> endpoints = client.endpoints();
    List<String> targets;
    if (target == BenchTarget.LEADER) {
      Optional<String> leader = ClusterLeader.find(client.statusAll()).map(ClusterLeader::address).filter(a -> !a.isEmpty());
      if (leader.isEmpty()) {
        err().println("kuorumctl: no leader known (an election may be in progress, or no endpoint answered); try again"
            + " shortly, or use --target all");
        return ExitCodes.UNAVAILABLE;
      }
      targets = List.of(leader.get());
    } else {
      targets = endpoints;
    }
    List<KuorumClient> clients = new ArrayList<>();
    try {
      for (String first : targets) clients.add(openClient(startingAt(first, endpoints)));
      LoadRun.Result r = LoadRun.runPerCaller(load.clients, load.total, "gets", err(),
          caller -> get(clients.get(caller % clients.size()), space));
      print(r, space, targets);
    } finally {
      clients.forEach(KuorumClient::close);
    }
    return ExitCodes.OK;
  }

  private LongConsumer get(KuorumClient client, long space) {
    return i -> client.get(BenchKeys.key(i % space, load.keySize), consistency.value);
  }

  /** The endpoints with {@code first} first (added if not among them), the rest in order after it, to fail over to. */
  static List<String> startingAt(String first, List<String> endpoints) {
    List<String> ordered = new ArrayList<>(List.of(first));
    int at = endpoints.indexOf(first);
    for (int i = 1; i <= endpoints.size(); i++) {
      String next = endpoints.get(Math.floorMod(at + i, endpoints.size()));
      if (!ordered.contains(next)) ordered.add(next);
    }
    return ordered;
  }

  private void print(LoadRun.Result r, long space, List<String> targets) {
    String level = consistency.value.name().toLowerCase(Locale.ROOT);
    String where = target.name().toLowerCase(Locale.ROOT);
    if (format() == OutputFormat.JSON) {
      JsonWriter json = new JsonWriter().beginObject().name("op").value("get").name("consistency").value(level)
          .name("target").value(where).name("endpoints").beginArray();
      targets.forEach(json::value);
      out().println(r.json(json.endArray().name("clients").value(load.clients).name("keySpace").value(space)).endObject());
    } else {
      String at = target == BenchTarget.LEADER ? "at the leader " + targets.get(0) : "spread over " + String.join(", ", targets);
      out().printf("get (%s): %s with %d clients over %,d keys, %s%n", level, r.text(), load.clients, space, at);
    }
  }
}
