package io.kuorum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import io.kuorum.server.KuorumServer;
import io.kuorum.server.SingleNode;
import io.kuorum.watch.WatchLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kuorumctl watch against a real single node (gRPC on loopback); its history holds only the last 20 changes. */
class KuorumctlWatchTest {

  @TempDir Path dir;
  private KuorumServer server;
  private String endpoint;
  private KuorumClient client;

  @BeforeEach
  void start() {
    server = SingleNode.start(dir.resolve("data"), "ctl", WatchLimits.DEFAULT.withHistory(20, 1 << 20));
    endpoint = SingleNode.endpoint(server);
    client = KuorumClient.connect(List.of(endpoint), ClientOptions.defaults());
  }

  @AfterEach
  void stop() {
    client.close();
    if (server != null) server.close();
  }

  @Test
  void printsThePastChangesOfAPrefixAsJsonLines() {
    long first = client.put("a/1", "one");
    client.put("b/1", "elsewhere");
    long second = client.put("a/2", "two \"quoted\"");
    long deleted = client.put("marker", "m") + 1;
    client.delete("a/1");

    Run run = Run.against(endpoint, "watch", "a/", "--rev", Long.toString(first), "--count", "3", "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(StrictJson.object(lines.get(0))).isEqualTo(Map.of("type", "PUT", "key", "a/1", "value", "one", "revision", first));
    assertThat(StrictJson.object(lines.get(1)))
        .isEqualTo(Map.of("type", "PUT", "key", "a/2", "value", "two \"quoted\"", "revision", second));
    assertThat(StrictJson.object(lines.get(2))).isEqualTo(Map.of("type", "DELETE", "key", "a/1", "revision", deleted));
  }

  @Test
  void printsLiveChangesOfOneKeyUntilTheCount() throws Exception {
    long now = client.put("k", "0");
    CompletableFuture<Run> watching = CompletableFuture.supplyAsync(
        () -> Run.against(endpoint, "watch", "--key", "k", "--rev", Long.toString(now + 1), "--count", "2"));
    long one = client.put("k", "1");
    client.put("k2", "not this key");
    client.delete("k");
    long deleted = one + 2;

    Run run = watching.get(30, TimeUnit.SECONDS);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("PUT k = 1 (revision " + one + ")\nDELETE k (revision " + deleted + ")\n");
  }

  @Test
  void aRevisionNoMemberHoldsAnyMoreFailsWithWhatToDo() {
    long first = client.put("k", "0");
    for (int i = 1; i < 30; i++) client.put("k", Integer.toString(i));

    Run run = Run.against(endpoint, "watch", "k", "--rev", Long.toString(first));

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("OUT_OF_RANGE").contains("the oldest revision it can replay is " + (first + 10))
        .contains("'kuorumctl range k -o json'").contains("--rev set to its revision + 1");
  }

  @Test
  void aPrefixAndAKeyTogetherAreAUsageError() {
    Run run = Run.against(endpoint, "watch", "a/", "--key", "k");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("give a PREFIX or --key KEY, not both");
    assertThat(Run.against(endpoint, "watch", "--key", "").err()).contains("must not be empty");
    assertThat(Run.against(endpoint, "watch", "--rev", "-1").exitCode()).isEqualTo(2);
  }

  @Test
  void theTimeoutOptionDoesNotEndAWatch() {
    long now = client.put("t", "0");
    CompletableFuture<Run> watching = CompletableFuture.supplyAsync(
        () -> Run.against(endpoint, "--timeout", "100ms", "watch", "t", "--rev", Long.toString(now + 1), "--count", "1"));
    long started = System.nanoTime();
    // The property is about a timer: the watch must outlive the 100 ms deadline, so let more than that pass.
    await().atMost(Duration.ofSeconds(10)).until(() -> server.watchers() == 1 && System.nanoTime() - started > 300_000_000L);
    long at = client.put("t", "1");
    assertThat(watching.join().out()).isEqualTo("PUT t = 1 (revision " + at + ")\n");
  }
}
