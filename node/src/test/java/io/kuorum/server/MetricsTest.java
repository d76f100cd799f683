package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.client.ReadConsistency;
import io.kuorum.client.RecordingWatchListener;
import io.kuorum.client.Watch;
import io.kuorum.client.WatchTarget;
import io.kuorum.kv.KvLimits;
import io.kuorum.raft.Role;
import io.kuorum.watch.WatchLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nodes (gRPC on loopback, MapDB files, metrics over HTTP on port 0): every metric of the catalogue
 * in {@code docs/metrics.md} is served with its documented type and labels and a plausible value, and no
 * {@code kuorum_} metric is served without a row there. Three members rather than one, so that the
 * leader has followers to report lag for.
 */
class MetricsTest {

  private static final int PUTS = 12;
  private static final int GETS = 5;

  private final List<KuorumServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    servers.forEach(KuorumServer::close);
  }

  @Test
  void everyCataloguedMetricIsServedWithAPlausibleValue(@TempDir Path dir) throws Exception {
    List<Row> catalogue = Catalogue.read();
    assertThat(catalogue).hasSizeGreaterThan(15);
    startCluster(dir, 3);
    KuorumServer leader = await().atMost(Duration.ofSeconds(10))
        .until(() -> servers.stream().filter(s -> s.status().role() == Role.LEADER).findFirst(), Optional::isPresent).get();
    KuorumServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();

    try (KuorumClient client = KuorumClient.connect(List.of(SingleNode.endpoint(leader)))) {
      for (int i = 0; i < PUTS; i++) client.put("k" + i, "v" + i);
      for (int i = 0; i < GETS; i++) assertThat(client.get("k" + i)).isPresent();
      RecordingWatchListener listener = new RecordingWatchListener();
      try (Watch watch = client.watch(WatchTarget.prefix("k"), listener)) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          Scrape s = scrape(leader);
          checkCatalogue(catalogue, s);
          assertThat(s.value("kuorum_raft_term")).isGreaterThanOrEqualTo(1);
          assertThat(s.value("kuorum_raft_role", "role", "leader")).isEqualTo(1);
          for (String role : List.of("follower", "pre-candidate", "candidate", "waiting", "removed")) {
            assertThat(s.value("kuorum_raft_role", "role", role)).as(role).isZero();
          }
          assertThat(s.value("kuorum_raft_leader_changes_total")).isGreaterThanOrEqualTo(1);
          assertThat(s.value("kuorum_raft_commit_index")).isGreaterThanOrEqualTo(PUTS);
          assertThat(s.value("kuorum_raft_applied_index")).isEqualTo(s.value("kuorum_raft_commit_index"));
          assertThat(s.value("kuorum_raft_last_index")).isGreaterThanOrEqualTo(s.value("kuorum_raft_commit_index"));
          // the puts and the client's session open
          assertThat(s.value("kuorum_raft_proposals_committed_total")).isGreaterThanOrEqualTo(PUTS + 1);
          assertThat(s.labelValues("kuorum_raft_proposals_failed_total", "reason"))
              .contains("not_leader", "lost", "overloaded", "outcome_unknown", "error");
          assertThat(s.value("kuorum_raft_proposals_pending")).isZero();
          // the others' ids: caught up once the puts are in
          Set<String> peers = servers.stream().filter(x -> x != leader).map(x -> Long.toString(x.status().id()))
              .collect(Collectors.toSet());
          assertThat(s.labelValues("kuorum_raft_follower_lag_entries", "peer")).isEqualTo(peers);
          for (String peer : peers) assertThat(s.value("kuorum_raft_follower_lag_entries", "peer", peer)).isZero();
          assertThat(s.value("kuorum_raft_apply_seconds_count")).isGreaterThanOrEqualTo(1);
          assertThat(s.value("kuorum_storage_commit_seconds_count")).isGreaterThan(0);
          assertThat(s.value("kuorum_storage_commit_seconds_sum")).isGreaterThan(0);
          assertThat(s.value("kuorum_storage_batch_entries_sum")).isGreaterThanOrEqualTo(PUTS);
          assertThat(s.value("kuorum_kv_request_seconds_count", "method", "Put", "status", "OK")).isGreaterThanOrEqualTo(PUTS);
          assertThat(s.value("kuorum_kv_request_seconds_count", "method", "Get", "status", "OK")).isGreaterThanOrEqualTo(GETS);
          assertThat(s.value("kuorum_kv_request_seconds_bucket", "method", "Put", "status", "OK", "le", "+Inf"))
              .isEqualTo(s.value("kuorum_kv_request_seconds_count", "method", "Put", "status", "OK"));
          assertThat(s.value("kuorum_sessions_open")).isGreaterThanOrEqualTo(1);
          assertThat(s.value("kuorum_session_retries_total")).isGreaterThanOrEqualTo(0);
          assertThat(s.value("kuorum_watch_watchers")).isEqualTo(1);
          // --snapshot-entries 5 in this cluster: the puts made the leader take at least one
          assertThat(s.value("kuorum_snapshot_seconds_count")).isGreaterThanOrEqualTo(1);
          assertThat(s.value("kuorum_snapshot_install_seconds_count")).isGreaterThanOrEqualTo(0);
          assertThat(s.value("jvm_threads_current")).isGreaterThan(0);
        });
      }
      // the watch closed: the gauge follows
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(leader).value("kuorum_watch_watchers")).isZero());
    }

    // A follower: its own role, no lag to report, no writes of its own; a read it serves itself is timed.
    try (KuorumClient client = KuorumClient.connect(List.of(SingleNode.endpoint(follower)))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> client.get("k0", ReadConsistency.SERIALIZABLE).isPresent());
    }
    Scrape f = scrape(follower);
    checkCatalogue(catalogue.stream().filter(r -> !r.name().equals("kuorum_raft_follower_lag_entries")).toList(), f);
    assertThat(f.value("kuorum_raft_role", "role", "follower")).isEqualTo(1);
    assertThat(f.value("kuorum_raft_role", "role", "leader")).isZero();
    assertThat(f.samples("kuorum_raft_follower_lag_entries")).isEmpty();
    assertThat(f.value("kuorum_raft_proposals_committed_total")).isZero();
    assertThat(f.value("kuorum_kv_request_seconds_count", "method", "Get", "status", "OK")).isGreaterThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThat(scrape(follower).value("kuorum_raft_applied_index")).isGreaterThanOrEqualTo(PUTS));
  }

  @Test
  void theMetricsPortIsOnlyTakenWhileTheNodeRuns(@TempDir Path dir) throws Exception {
    int port = LoopbackPorts.free();
    KuorumServer node = start(dir.resolve("a"), 1, oneMember(), new HostPort("127.0.0.1", port));
    assertThat(node.metricsPort()).isEqualTo(port);
    assertThat(scrape(node).value("kuorum_raft_term")).isGreaterThanOrEqualTo(0);
    // a second node on the same metrics port does not start, and says which flag to change
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
        start(dir.resolve("b"), 1, oneMember(), new HostPort("127.0.0.1", port))))
        .isInstanceOf(StartupException.class).hasMessageContaining("--listen-metrics").hasMessageContaining(":" + port);
    node.close();
    servers.remove(node);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> scrape(node))).isNotNull();
  }

  @Test
  void probesSayAliveAndReadyOnceAMemberKnowsALeaderAndWhyNotBefore(@TempDir Path dir) throws Exception {
    // node 1 of three, alone: it runs, but no leader can be elected
    String members = "1=127.0.0.1:" + LoopbackPorts.free() + "/" + LoopbackPorts.free() + ",2=127.0.0.1:"
        + LoopbackPorts.free() + "/" + LoopbackPorts.free() + ",3=127.0.0.1:" + LoopbackPorts.free() + "/" + LoopbackPorts.free();
    KuorumServer alone = start(dir.resolve("alone"), 1, members, new HostPort("127.0.0.1", 0));
    assertThat(probe(alone, "/healthz")).isEqualTo("200 ok");
    assertThat(probe(alone, "/readyz")).startsWith("503 not ready: no leader known in term");
    assertThat(probe(alone, "/nope")).startsWith("404 not found");

    KuorumServer single = start(dir.resolve("single"), 1, oneMember(), new HostPort("127.0.0.1", 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> probe(single, "/readyz").startsWith("200 ready: leader in term"));
    assertThat(probe(single, "/healthz")).isEqualTo("200 ok");
  }

  private String probe(KuorumServer server, String path) {
    var response = get(server, path);
    return response.statusCode() + " " + response.body().strip();
  }

  // ---------------------------------------------------------------- the catalogue

  /** One row of the table in docs/metrics.md; a name ending in {@code *} stands for a family of names. */
  record Row(String name, String type, Set<String> labels) {
    boolean isFamily() {
      return name.endsWith("*");
    }
  }

  /** Checks every row against the scrape: present, documented type, documented labels. */
  private static void checkCatalogue(List<Row> catalogue, Scrape s) {
    for (Row row : catalogue) {
      if (row.isFamily()) {
        String prefix = row.name().substring(0, row.name().length() - 1);
        assertThat(s.types.keySet()).as("a metric named %s", row.name()).anyMatch(n -> n.startsWith(prefix));
        continue;
      }
      List<Sample> samples = s.samples(row.name());
      assertThat(samples).as("samples of %s", row.name()).isNotEmpty();
      assertThat(s.type(row.name())).as("type of %s", row.name()).isEqualTo(row.type());
      for (Sample sample : samples) {
        Set<String> labels = new TreeSet<>(sample.labels().keySet());
        labels.remove("le");
        assertThat(labels).as("labels of %s", sample).isEqualTo(row.labels());
        assertThat(sample.value()).as("%s", sample).isNotNaN();
      }
    }
    Set<String> documented = catalogue.stream().map(Row::name).collect(Collectors.toSet());
    for (String family : s.types.keySet()) {
      if (family.startsWith("kuorum_")) {
        assertThat(documented.contains(family) || documented.contains(family + "_total"))
            .as("%s is served but missing from docs/metrics.md", family).isTrue();
      }
    }
  }

  private static final class Catalogue {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_*]+)`\\s*\\|\\s*([a-z]+)\\s*\\|([^|]*)\\|");
    private static final Pattern LABEL = Pattern.compile("`([a-z_]+)`");

    static List<Row> read() throws IOException {
      Path file = locate();
      List<Row> rows = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        Matcher m = ROW.matcher(line);
        if (!m.find()) continue;
        Set<String> labels = new TreeSet<>();
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) labels.add(l.group(1));
        rows.add(new Row(m.group(1), m.group(2), labels));
      }
      return rows;
    }

    /** docs/metrics.md at the repository root, found from the module's directory. */
    private static Path locate() {
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        Path candidate = p.resolve("docs").resolve("metrics.md");
        if (Files.isRegularFile(candidate)) return candidate;
      }
      throw new IllegalStateException("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    }
  }

  // ---------------------------------------------------------------- the scrape

  record Sample(String name, Map<String, String> labels, double value) {}

  /** A parsed text-format scrape: TYPE lines by family name, and the samples. */
  static final class Scrape {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern PAIR = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    final Map<String, String> types = new TreeMap<>();
    final List<Sample> samples = new ArrayList<>();

    Scrape(String body) {
      for (String line : body.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.substring(7).trim().split("\\s+");
          types.put(parts[0], parts[1]);
        } else if (!line.isBlank() && !line.startsWith("#")) {
          Matcher m = LINE.matcher(line);
          if (!m.matches()) throw new AssertionError("unparsable line: " + line);
          Map<String, String> labels = new LinkedHashMap<>();
          if (m.group(3) != null) {
            Matcher p = PAIR.matcher(m.group(3));
            while (p.find()) labels.put(p.group(1), p.group(2));
          }
          samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
      }
    }

    /** The family's TYPE: under its own name, or a counter's name without {@code _total}. */
    String type(String name) {
      if (types.containsKey(name)) return types.get(name);
      return name.endsWith("_total") ? types.get(name.substring(0, name.length() - "_total".length())) : null;
    }

    /** Samples of a metric: its own name, a histogram's series, a counter's {@code _total}. */
    List<Sample> samples(String name) {
      Predicate<String> ofIt = n -> n.equals(name) || n.equals(name + "_bucket") || n.equals(name + "_count")
          || n.equals(name + "_sum") || n.equals(name + "_total");
      return samples.stream().filter(x -> ofIt.test(x.name())).toList();
    }

    /** The one sample named exactly {@code name} with these label values (pairs of name, value). */
    double value(String name, String... labelPairs) {
      Map<String, String> want = new LinkedHashMap<>();
      for (int i = 0; i < labelPairs.length; i += 2) want.put(labelPairs[i], labelPairs[i + 1]);
      List<Sample> found = samples.stream().filter(x -> x.name().equals(name))
          .filter(x -> x.labels().entrySet().containsAll(want.entrySet()) && (labelPairs.length > 0 || x.labels().isEmpty()))
          .toList();
      assertThat(found).as("sample %s%s", name, want).hasSize(1);
      return found.get(0).value();
    }

    Set<String> labelValues(String name, String label) {
      return samples(name).stream().map(x -> x.labels().get(label)).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private Scrape scrape(KuorumServer server) {
    var response = get(server, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return new Scrape(response.body());
  }

  private java.net.http.HttpResponse<String> get(KuorumServer server, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + path))
          .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- nodes

  private void startCluster(Path dir, int size) {
    List<int[]> ports = new ArrayList<>();
    StringBuilder members = new StringBuilder();
    for (int id = 1; id <= size; id++) {
      int[] p = {LoopbackPorts.free(), LoopbackPorts.free()};
      ports.add(p);
      members.append(members.length() == 0 ? "" : ",").append(id).append("=127.0.0.1:").append(p[1]).append('/').append(p[0]);
    }
    for (int id = 1; id <= size; id++) {
      // metrics on port 0: any free port, read back with metricsPort()
      start(dir.resolve("node-" + id), id, members.toString(), new HostPort("127.0.0.1", 0));
    }
  }

  private static String oneMember() {
    return "1=127.0.0.1:" + LoopbackPorts.free() + "/" + LoopbackPorts.free();
  }

  private KuorumServer start(Path data, long id, String members, HostPort metrics) {
    List<Member> list = Member.parseList(members);
    Member self = list.stream().filter(m -> m.id() == id).findFirst().orElseThrow();
    HostPort peer = HostPort.parse(self.peerAddress(), "peer");
    HostPort client = HostPort.parse(self.clientAddress(), "client");
    KuorumServer server = KuorumServer.start(new NodeConfig(id, "metrics", list, data, client, peer, 10, 10, 2, 100,
        KvLimits.DEFAULT, "", "", new SnapshotPolicy(5, 0, 2), WatchLimits.DEFAULT, metrics));
    servers.add(server);
    return server;
  }
}
