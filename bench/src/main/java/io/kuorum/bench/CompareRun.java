package io.kuorum.bench;

import io.kuorum.cli.BenchKeys;
import io.kuorum.cli.BenchTarget;
import io.kuorum.cli.JsonWriter;
import io.kuorum.cli.LoadRun;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One run of one workload against one system, for {@code bench/compare-etcd.sh}: finds the leader,
 * opens the connections as {@code kuorumctl bench} does (connection j starts at target j modulo the
 * targets and fails over to the other endpoints in order; caller c uses connection c modulo the
 * connections), runs a warm-up that is thrown away, then the measured run with {@link LoadRun} (the
 * load runner of {@code kuorumctl bench}), and prints one JSON line: the fields of
 * {@code kuorumctl bench -o json}, the failed operations, the longest wait of a caller for one
 * operation (failed or not), the longest window without a success, and the CPU seconds each member and
 * this load generator used during the measured run. With
 * {@code --kill-leader-after} it SIGKILLs the leader's process that long into the measured run.
 *
 * <p>Unlike {@code kuorumctl bench}, a failed operation does not end the run: it is counted, and its
 * caller pauses {@code --failure-pause-ms} before its next operation, so that a client that fails fast
 * (no member to reach) does not spin.
 */
@Command(
    name = "compare-run",
    mixinStandardHelpOptions = true,
    description = "Runs one workload against one cluster and prints its results as one JSON line.")
public final class CompareRun implements Callable<Integer> {

  /** What the operations are. */
  enum Op {
    PUT,
    GET
  }

  private static final int OK = 0;
  private static final int FAILED = 1;

  @Spec private CommandLine.Model.CommandSpec spec;

  @Option(names = "--endpoints", required = true, split = ",", paramLabel = "HOST:PORT",
      description = "Client endpoints of every member.")
  private List<String> endpoints;

  @Option(names = "--pids", split = ",", paramLabel = "HOST:PORT=PID",
      description = "Process id of each member, by endpoint: their CPU time is measured, and the leader's is killed with "
          + "--kill-leader-after.")
  private Map<String, Long> pids = new LinkedHashMap<>();

  @Option(names = "--workload", defaultValue = "run", description = "The workload's name in the output.")
  private String workload;

  @Option(names = "--rep", defaultValue = "1", description = "The repetition's number in the output.")
  private int rep;

  @Option(names = "--op", defaultValue = "put", paramLabel = "put|get", description = "put (default) or get.")
  private Op op;

  @Option(names = "--clients", defaultValue = "16", description = "Concurrent callers (default ${DEFAULT-VALUE}).")
  private int clients;

  @Option(names = "--max-conns", defaultValue = "16",
      description = "Connections: one per caller up to this many, shared round-robin beyond (default ${DEFAULT-VALUE}).")
  private int maxConns;

  @Option(names = "--target", defaultValue = "leader", paramLabel = "leader|all",
      description = "leader: every connection starts at the leader; all: the connections start at the endpoints round-robin.")
  private BenchTarget target;

  @Option(names = "--consistency", defaultValue = "linearizable", paramLabel = "linearizable|serializable",
      description = "Read level of gets (default ${DEFAULT-VALUE}).")
  private ReadLevel consistency;

  @Option(names = "--seconds", defaultValue = "10", description = "Length of the measured run (default ${DEFAULT-VALUE}).")
  private double seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5",
      description = "Length of the warm-up run before it, whose results are thrown away (default ${DEFAULT-VALUE}).")
  private double warmupSeconds;

  @Option(names = "--total", paramLabel = "N",
      description = "Run N operations instead of for --seconds, with no warm-up (to preload keys).")
  private Long total;

  @Option(names = "--key-space", defaultValue = "0",
      description = "Distinct keys; operation i uses key i modulo it. 0 (default): as kuorumctl bench, TOTAL, or with "
          + "--seconds as many as --key-size digits can number.")
  private long keySpace;

  @Option(names = "--key-size", defaultValue = "8", description = "Key length in bytes (default ${DEFAULT-VALUE}).")
  private int keySize;

  @Option(names = "--val-size", defaultValue = "256", description = "Value length in bytes (default ${DEFAULT-VALUE}).")
  private int valSize;

  @Option(names = "--kill-leader-after", paramLabel = "SECONDS",
      description = "SIGKILL the leader's process (from --pids) this long into the measured run.")
  private Double killLeaderAfter;

  @Option(names = "--failure-pause-ms", defaultValue = "10",
      description = "Pause of a caller after a failed operation (default ${DEFAULT-VALUE}).")
  private int failurePauseMs;

  @Option(names = "--show-failures", defaultValue = "3", paramLabel = "N",
      description = "Print the first N failures of a run on stderr, with their time in the run (default ${DEFAULT-VALUE}).")
  private int showFailures;

  @Option(names = "--await-member", paramLabel = "HOST:PORT",
      description = "Instead of a run: wait until that member answers and has caught up with the leader, then exit.")
  private String awaitMember;

  @Option(names = "--timeout-seconds", defaultValue = "120",
      description = "How long to wait for a leader, or for --await-member (default ${DEFAULT-VALUE}).")
  private double timeoutSeconds;

  private final Function<List<String>, Cluster> clusters;

  CompareRun(Function<List<String>, Cluster> clusters) {
    this.clusters = clusters;
  }

  /** Runs the command line {@code args} against clusters made by {@code clusters}; returns the exit code. */
  public static int execute(Function<List<String>, Cluster> clusters, String[] args) {
    return new CommandLine(new CompareRun(clusters)).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    try (Cluster cluster = clusters.apply(endpoints)) {
      if (awaitMember != null) return awaitMember(cluster, err);
      String leader = awaitLeader(cluster);
      cluster.prepare();
      List<String> targets = target == BenchTarget.LEADER ? List.of(leader) : endpoints;
      int conns = Math.min(clients, maxConns);
      List<Backend> backends = new ArrayList<>();
      try {
        for (int j = 0; j < conns; j++) {
          backends.add(cluster.connect(BenchTarget.startingAt(targets.get(j % targets.size()), endpoints)));
        }
        long keys = keySpace != 0 ? keySpace : total != null ? total : BenchKeys.numberable(keySize);
        if (total == null && warmupSeconds > 0) {
          err.printf("warm-up (%.0f s, thrown away)%n", warmupSeconds);
          load(backends, keys, LoadRun.Stop.within(toDuration(warmupSeconds)), err);
        }
        Map<String, OptionalDouble> before = memberCpu();
        OptionalDouble selfBefore = ProcCpu.self();
        Killer killer = killLeaderAfter == null ? null : new Killer(leader, pids.get(leader), toDuration(killLeaderAfter));
        long start = System.nanoTime();
        if (killer != null) killer.start();
        Measured m = load(backends, keys, total != null ? LoadRun.Stop.after(total) : LoadRun.Stop.within(toDuration(seconds)), err);
        long end = System.nanoTime();
        if (killer != null) killer.join();
        Map<String, OptionalDouble> after = memberCpu();
        if (killer != null) after.put(leader, killer.cpuAtKill);
        OptionalDouble selfAfter = ProcCpu.self();

        JsonWriter w = new JsonWriter().beginObject().name("system").value(cluster.name()).name("workload").value(workload)
            .name("rep").value(rep).name("op").value(lower(op));
        if (op == Op.PUT) w.name("valSize").value(valSize);
        else w.name("consistency").value(lower(consistency));
        w.name("target").value(lower(target)).name("endpoints").beginArray();
        targets.stream().limit(conns).forEach(w::value);
        w.endArray().name("clients").value(clients).name("conns").value(conns).name("keySpace").value(keys)
            .name("leader").value(leader);
        if (total == null) w.name("durationSeconds").value(seconds);
        m.result.of(lower(op)).json(w.name("seconds").value(m.result.seconds()), m.result.seconds());
        LoadRun.Latencies failed = m.result.of("failed");
        double longestWait = Math.max(m.result.of(lower(op)).count() == 0 ? 0 : m.result.of(lower(op)).percentileMs(1.0),
            failed.count() == 0 ? 0 : failed.percentileMs(1.0));
        w.name("failed").value(failed.count()).name("longestWaitMs").value(longestWait)
            .name("maxGapMs").value(Gaps.longest(m.successes, start, end).millis());
        if (killer != null) {
          w.name("killed").value(leader).name("killAtMs").value((killer.at - start) / 1e6)
              .name("maxGapAfterKillMs").value(Gaps.longestEndingAfter(m.successes, start, end, killer.at).millis());
        }
        w.name("cpuSeconds").beginObject();
        difference(selfBefore, selfAfter).ifPresent(s -> w.name("loadGenerator").value(s));
        w.name("members").beginObject();
        for (String member : before.keySet()) {
          difference(before.get(member), after.get(member)).ifPresent(s -> w.name(member).value(s));
        }
        w.endObject().endObject().endObject();
        spec.commandLine().getOut().println(w);
        spec.commandLine().getOut().flush();
      } finally {
        backends.forEach(Backend::close);
      }
    }
    return 0;
  }

  private void validate() {
    CommandLine cmd = spec.commandLine();
    if (clients < 1) throw new ParameterException(cmd, "--clients must be at least 1");
    if (maxConns < 1) throw new ParameterException(cmd, "--max-conns must be at least 1");
    if (seconds <= 0 || warmupSeconds < 0) throw new ParameterException(cmd, "--seconds must be positive, --warmup-seconds not negative");
    if (total != null && total < 1) throw new ParameterException(cmd, "--total must be at least 1");
    if (keySpace < 0) throw new ParameterException(cmd, "--key-space must not be negative");
    if (keySize < 1 || valSize < 0) throw new ParameterException(cmd, "--key-size must be at least 1, --val-size not negative");
    for (String endpoint : pids.keySet()) {
      if (!endpoints.contains(endpoint)) throw new ParameterException(cmd, "--pids names " + endpoint + ", not among --endpoints");
    }
    if (killLeaderAfter != null && (!pids.keySet().containsAll(endpoints) || total != null)) {
      throw new ParameterException(cmd, "--kill-leader-after needs the pid of every member (--pids) and a run for --seconds");
    }
    if (killLeaderAfter != null && (killLeaderAfter < 0 || killLeaderAfter >= seconds)) {
      throw new ParameterException(cmd, "--kill-leader-after must be within the run (0 to --seconds)");
    }
  }

  /** The leader, waiting for one for up to --timeout-seconds. */
  private String awaitLeader(Cluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + toDuration(timeoutSeconds).toNanos();
    while (true) {
      Optional<String> leader = cluster.leader();
      if (leader.isPresent()) return leader.get();
      if (System.nanoTime() - deadline > 0) throw new IllegalStateException("no leader after " + timeoutSeconds + " s");
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private int awaitMember(Cluster cluster, PrintWriter err) throws InterruptedException {
    long deadline = System.nanoTime() + toDuration(timeoutSeconds).toNanos();
    while (!caughtUp(cluster, awaitMember)) {
      if (System.nanoTime() - deadline > 0) {
        err.println("member " + awaitMember + " has not caught up with the leader after " + timeoutSeconds + " s");
        return 1;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return 0;
  }

  private static boolean caughtUp(Cluster cluster, String member) {
    try {
      return cluster.caughtUp(member);
    } catch (RuntimeException e) {
      return false; // not up yet
    }
  }

  /** What one run measured: LoadRun's result (kinds: the op, "failed") and every success's completion time. */
  private record Measured(LoadRun.Result result, long[] successes) {}

  private Measured load(List<Backend> backends, long keys, LoadRun.Stop stop, PrintWriter progress) {
    byte[] value = new byte[valSize];
    Arrays.fill(value, (byte) 'v');
    List<LoadRun.Recorded> times = new ArrayList<>(); // each caller's completion times of its successes
    AtomicInteger shown = new AtomicInteger();
    long start = System.nanoTime();
    LoadRun.Result result = LoadRun.run(clients, stop, List.of(lower(op), "failed"), "operations", progress, caller -> {
      Backend backend = backends.get(caller % backends.size());
      LoadRun.Recorded mine = new LoadRun.Recorded();
      times.add(mine);
      return i -> {
        byte[] key = BenchKeys.key(i % keys, keySize);
        try {
          if (op == Op.PUT) backend.put(key, value);
          else backend.get(key, consistency);
        } catch (RuntimeException e) {
          if (shown.incrementAndGet() <= showFailures) {
            progress.printf("failed at %.0f ms: %s%n", (System.nanoTime() - start) / 1e6, e);
          }
          pause(failurePauseMs);
          return FAILED;
        }
        mine.add(System.nanoTime());
        return OK;
      };
    });
    return new Measured(result, LoadRun.Recorded.sorted(times));
  }

  private Map<String, OptionalDouble> memberCpu() {
    Map<String, OptionalDouble> cpu = new LinkedHashMap<>();
    pids.forEach((endpoint, pid) -> cpu.put(endpoint, ProcCpu.seconds(pid)));
    return cpu;
  }

  private static OptionalDouble difference(OptionalDouble before, OptionalDouble after) {
    return before.isPresent() && after != null && after.isPresent()
        ? OptionalDouble.of(after.getAsDouble() - before.getAsDouble())
        : OptionalDouble.empty();
  }

  /** SIGKILLs one member's process a while after it is started, noting when and its CPU time just before. */
  private static final class Killer extends Thread {
    private final String member;
    private final long pid;
    private final Duration after;
    volatile long at;
    volatile OptionalDouble cpuAtKill = OptionalDouble.empty();

    Killer(String member, long pid, Duration after) {
      super("kill-" + member);
      this.member = member;
      this.pid = pid;
      this.after = after;
      setDaemon(true);
    }

    @Override
    public void run() {
      pause(after.toMillis());
      cpuAtKill = ProcCpu.seconds(pid);
      at = System.nanoTime();
      boolean sent = ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
      System.err.printf("SIGKILL to %s (pid %d): %s%n", member, pid, sent ? "sent" : "no such process");
    }
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration toDuration(double seconds) {
    return Duration.ofNanos((long) (seconds * 1e9));
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
