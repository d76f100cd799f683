package io.kuorum.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The markdown tables of {@code bench/compare-etcd.sh} from the JSON lines of its runs
 * ({@link CompareRun}'s output): per workload the median over the repetitions of each number, etcd
 * beside Kuorum; the failover runs; the CPU time. Runs of a number of operations (the preload) are
 * left out. Usage: {@code CompareReport RAW.jsonl}, markdown on stdout.
 */
public final class CompareReport {

  static final String ETCD = "etcd";
  static final String KUORUM = "kuorum";

  /** One run's numbers, as the report uses them. */
  record Run(String system, String workload, String description, boolean failover, double perSecond, double p50Ms,
      double p99Ms, double longestWaitMs, long total, long failed, double maxGapMs, double maxGapAfterKillMs, double cpuLeader,
      double cpuFollowers, double cpuLoadGenerator) {

    /** Member CPU per successful operation, in microseconds. */
    double cpuMicrosPerOp() {
      return total == 0 ? Double.NaN : (cpuLeader + cpuFollowers) / total * 1e6;
    }

    static Run of(JsonObject o) {
      String op = o.get("op").getAsString();
      String what = op.equals("get") ? "get " + o.get("consistency").getAsString() : op;
      int clients = o.get("clients").getAsInt();
      int conns = o.get("conns").getAsInt();
      String description = String.format(Locale.ROOT, "%s, %d client%s (%d conn%s), %s", what, clients,
          clients == 1 ? "" : "s", conns, conns == 1 ? "" : "s",
          o.get("target").getAsString().equals("all") ? "spread over all members" : "to the leader");
      boolean failover = o.has("killed");
      if (failover) description += ", leader SIGKILLed";
      String leader = o.get("leader").getAsString();
      double cpuLeader = Double.NaN;
      double cpuFollowers = Double.NaN;
      double cpuLoad = Double.NaN;
      JsonObject cpu = o.has("cpuSeconds") ? o.getAsJsonObject("cpuSeconds") : new JsonObject();
      if (cpu.has("loadGenerator")) cpuLoad = cpu.get("loadGenerator").getAsDouble();
      if (cpu.has("members") && !cpu.getAsJsonObject("members").keySet().isEmpty()) {
        cpuFollowers = 0;
        for (Map.Entry<String, JsonElement> m : cpu.getAsJsonObject("members").entrySet()) {
          if (m.getKey().equals(leader)) cpuLeader = m.getValue().getAsDouble();
          else cpuFollowers += m.getValue().getAsDouble();
        }
      }
      return new Run(o.get("system").getAsString(), o.get("workload").getAsString(), description, failover,
          number(o, "perSecond"), number(o, "p50Ms"), number(o, "p99Ms"), number(o, "longestWaitMs"), o.get("total").getAsLong(),
          o.get("failed").getAsLong(), number(o, "maxGapMs"), number(o, "maxGapAfterKillMs"), cpuLeader, cpuFollowers,
          cpuLoad);
    }

    private static double number(JsonObject o, String name) {
      return o.has(name) ? o.get(name).getAsDouble() : Double.NaN;
    }
  }

  private CompareReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: CompareReport RAW.jsonl");
      System.exit(2);
    }
    System.out.print(markdown(Files.readAllLines(Path.of(args[0]))));
  }

  /** The report of the JSON lines {@code lines} (blank lines and runs of a number of operations skipped). */
  static String markdown(List<String> lines) {
    Map<String, Map<String, List<Run>>> byWorkload = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.isBlank()) continue;
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (!o.has("durationSeconds")) continue;
      Run run = Run.of(o);
      byWorkload.computeIfAbsent(run.workload(), w -> new LinkedHashMap<>())
          .computeIfAbsent(run.system(), s -> new ArrayList<>()).add(run);
    }
    StringBuilder out = new StringBuilder();
    out.append("| workload | etcd ops/s | etcd p50 ms | etcd p99 ms | Kuorum ops/s | Kuorum p50 ms | Kuorum p99 ms "
        + "| Kuorum/etcd ops/s |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Map<String, List<Run>> systems : byWorkload.values()) {
      List<Run> etcd = systems.getOrDefault(ETCD, List.of());
      List<Run> kuorum = systems.getOrDefault(KUORUM, List.of());
      double ratio = median(kuorum, Run::perSecond) / median(etcd, Run::perSecond);
      out.append("| ").append(description(systems)).append(count(etcd, kuorum)).append(" | ")
          .append(rate(median(etcd, Run::perSecond))).append(" | ").append(ms(median(etcd, Run::p50Ms))).append(" | ")
          .append(ms(median(etcd, Run::p99Ms))).append(" | ").append(rate(median(kuorum, Run::perSecond))).append(" | ")
          .append(ms(median(kuorum, Run::p50Ms))).append(" | ").append(ms(median(kuorum, Run::p99Ms))).append(" | ")
          .append(Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f×", ratio) : "–").append(" |\n");
    }

    List<Map.Entry<String, Map<String, List<Run>>>> failovers =
        byWorkload.entrySet().stream().filter(e -> e.getValue().values().stream().flatMap(List::stream).anyMatch(Run::failover)).toList();
    if (!failovers.isEmpty()) {
      out.append("\nFailover: the longest window in which no caller completed a write, among those that end after "
          + "the kill; the operations that failed (a caller pauses 10 ms after a failure); the longest any one caller "
          + "waited for one operation, failed or not. Medians, the range over the repetitions in parentheses.\n\n");
      out.append("| workload | system | longest window without a successful write, ms | failed operations "
          + "| longest wait for one operation, ms | ops/s over the run |\n|---|---|--:|--:|--:|--:|\n");
      for (Map.Entry<String, Map<String, List<Run>>> e : failovers) {
        for (String system : List.of(ETCD, KUORUM)) {
          List<Run> runs = e.getValue().getOrDefault(system, List.of());
          if (runs.isEmpty()) continue;
          out.append("| ").append(description(e.getValue())).append(" | ").append(name(system)).append(" | ")
              .append(spread(runs, Run::maxGapAfterKillMs, "%.0f")).append(" | ").append(spread(runs, r -> r.failed(), "%.0f"))
              .append(" | ").append(spread(runs, Run::longestWaitMs, "%.0f")).append(" | ")
              .append(rate(median(runs, Run::perSecond))).append(" |\n");
        }
      }
    }

    out.append("\nCPU seconds used during a run (medians): by the leader, by the two followers together and by the load "
        + "generator, all on the same 2 cores; and the members' CPU per successful operation.\n\n");
    out.append("| workload | etcd leader | etcd followers | etcd load gen | etcd µs/op | Kuorum leader | Kuorum followers "
        + "| Kuorum load gen | Kuorum µs/op |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Map<String, List<Run>> systems : byWorkload.values()) {
      out.append("| ").append(description(systems));
      for (String system : List.of(ETCD, KUORUM)) {
        List<Run> runs = systems.getOrDefault(system, List.of());
        out.append(" | ").append(cpu(median(runs, Run::cpuLeader))).append(" | ").append(cpu(median(runs, Run::cpuFollowers)))
            .append(" | ").append(cpu(median(runs, Run::cpuLoadGenerator))).append(" | ")
            .append(number(median(runs, Run::cpuMicrosPerOp), "%.0f"));
      }
      out.append(" |\n");
    }
    return out.toString();
  }

  /** The median of the finite values of {@code runs}; NaN when there are none. */
  static double median(List<Run> runs, ToDoubleFunction<Run> value) {
    return median(runs.stream().mapToDouble(value).filter(Double::isFinite).toArray());
  }

  /** The median (the mean of the middle two of an even count); NaN of none. */
  static double median(double[] values) {
    if (values.length == 0) return Double.NaN;
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String description(Map<String, List<Run>> systems) {
    return systems.values().stream().flatMap(List::stream).map(Run::description).filter(Objects::nonNull).findFirst().orElse("?");
  }

  /** " (n=2/3)" when the systems ran a different number of times (a run failed); nothing otherwise. */
  private static String count(List<Run> etcd, List<Run> kuorum) {
    return etcd.size() == kuorum.size() ? "" : " (runs: etcd " + etcd.size() + ", Kuorum " + kuorum.size() + ")";
  }

  private static String spread(List<Run> runs, ToDoubleFunction<Run> value, String format) {
    double[] v = runs.stream().mapToDouble(value).filter(Double::isFinite).toArray();
    if (v.length == 0) return "–";
    String median = number(median(v), format);
    if (v.length == 1) return median;
    return median + " (" + number(Arrays.stream(v).min().orElseThrow(), format) + "–"
        + number(Arrays.stream(v).max().orElseThrow(), format) + ")";
  }

  private static String name(String system) {
    return system.equals(KUORUM) ? "Kuorum" : system;
  }

  static String rate(double perSecond) {
    return number(perSecond, "%,.0f");
  }

  static String ms(double millis) {
    return number(millis, millis < 10 ? "%.2f" : "%.1f");
  }

  private static String cpu(double seconds) {
    return number(seconds, "%.2f");
  }

  private static String number(double value, String format) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "–";
  }
}
