package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Mixin;

/**
 * What every {@code kuorumctl bench} workload does the same way: checks the shared options, finds the
 * target endpoints (the leader, or every endpoint), opens the connections, has {@link LoadRun} run the
 * callers over them round-robin, and prints what it measured as text or JSON. A subclass says what one
 * operation is and what else to report.
 */
abstract class BenchWorkload extends ClientCommand {

  @Mixin BenchOptions load;

  /** The workload's name in the output: put, get or mixed. */
  abstract String name();

  /** The kinds of operation, in the order {@link #operation} numbers them (its return value). */
  abstract List<String> kinds();

  /** What progress lines count: puts, gets, operations. */
  abstract String counted();

  /** Checks the workload's own options, before anything is sent. */
  void validate() {}

  /** Operation i on {@code client} over {@code keySpace} keys; returns its kind. */
  abstract LoadRun.Op operation(KuorumClient client, long keySpace);

  /** The workload's own fields, after "op", in the JSON output. */
  void json(JsonWriter w) {}

  /** The workload as the text output names it, e.g. "get (linearizable)". */
  String heading() {
    return name();
  }

  /** The workload's own details at the end of the text headline, e.g. " (256 B values)"; empty if none. */
  String details() {
    return "";
  }

  @Override
  final int run(KuorumClient client) {
    BenchOptions.Plan plan = load.validate(spec.commandLine());
    validate();
    List<String> endpoints = client.endpoints();
    List<String> targets;
    if (load.target == BenchTarget.LEADER) {
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
    int conns = load.conns != null ? load.conns : Math.min(targets.size(), load.clients);
    List<String> used = targets.subList(0, Math.min(conns, targets.size()));
    List<KuorumClient> clients = new ArrayList<>();
    try {
      List<LoadRun.Op> ops = new ArrayList<>();
      for (int j = 0; j < conns; j++) {
        KuorumClient connection = openClient(BenchTarget.startingAt(targets.get(j % targets.size()), endpoints));
        clients.add(connection);
        ops.add(operation(connection, plan.keySpace()));
      }
      LoadRun.Result r = LoadRun.run(load.clients, plan.stop(), kinds(), counted(), err(),
          caller -> ops.get(caller % ops.size()));
      print(r, plan, used, conns);
    } finally {
      clients.forEach(KuorumClient::close);
    }
    return ExitCodes.OK;
  }

  private void print(LoadRun.Result r, BenchOptions.Plan plan, List<String> used, int conns) {
    String where = load.target.name().toLowerCase(Locale.ROOT);
    if (format() == OutputFormat.JSON) {
      JsonWriter w = new JsonWriter().beginObject().name("op").value(name());
      json(w);
      w.name("target").value(where).name("endpoints").beginArray();
      used.forEach(w::value);
      w.endArray().name("clients").value(load.clients).name("conns").value(conns).name("keySpace").value(plan.keySpace());
      if (load.duration != null) w.name("durationSeconds").value(load.duration.toMillis() / 1e3);
      out().println(r.json(w).endObject());
    } else {
      String at = load.target == BenchTarget.LEADER ? "at the leader " + used.get(0) : "spread over " + String.join(", ", used);
      out().printf("%s: %s with %d clients on %d connection%s over %,d keys%s, %s%n", heading(), r.text(), load.clients,
          conns, conns == 1 ? "" : "s", plan.keySpace(), details(), at);
      r.kindLines().forEach(line -> out().println("  " + line));
    }
  }
}
