package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once writes (dissertation §6.3) with real processes: client threads increment counter keys
 * with compare-and-set while the leader is paused (SIGSTOP, so writes it already replicated commit
 * under its successor while the client's attempt to it times out) and killed (SIGKILL). The client
 * retries those writes in its session. If any were applied twice, a counter would end above the
 * increments the clients were told succeeded: a second application of "v to v+1" fails, so the client
 * would read v+1 and increment again.
 */
class ExactlyOnceProcessTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int COUNTERS = 3;

  @Test
  void retriedIncrementsApplyExactlyOnceAcrossLeaderChanges(@TempDir Path dir) {
    try (ProcessCluster cluster = ProcessCluster.start(3, dir)) {
      cluster.awaitLeader(PATIENCE);
      try (CounterLoad load = new CounterLoad(cluster.endpoints(), 6)) {
        load.awaitIncrements(100, cluster);
        for (int round = 0; round < 6; round++) {
          NodeProcess leader = cluster.awaitLeader(PATIENCE);
          long before = load.increments();
          if (round % 2 == 0) {
            leader.pause();
            NodeProcess successor = cluster.awaitLeader(PATIENCE);
            assertThat(successor.id).isNotEqualTo(leader.id);
            load.awaitIncrements(before + 30, cluster);
            leader.resume();
          } else {
            leader.kill();
            cluster.awaitLeader(PATIENCE);
            leader.start();
            load.awaitIncrements(before + 30, cluster);
          }
          cluster.awaitCaughtUp(leader, PATIENCE);
        }
        load.stop();

        assertThat(load.failures).as("operations that failed (none should, within a 20 s deadline)").isEmpty();
        try (KuorumClient reader = KuorumClient.connect(cluster.endpoints())) {
          for (int c = 0; c < COUNTERS; c++) {
            long value = reader.get("counter-" + c, ReadConsistency.LINEARIZABLE).map(KeyValue::valueUtf8).map(Long::parseLong)
                .orElse(0L);
            assertThat(value).as("counter-%d against the increments acknowledged to clients", c)
                .isEqualTo(load.acknowledged.get(c));
          }
        }
        long retries = cluster.nodes.stream().map(cluster::status).flatMap(Optional::stream)
            .mapToLong(StatusResponse::getSessionRetries).max().orElse(0);
        System.out.printf("exactly-once: %d increments acknowledged over %d counters; %d retried writes answered from"
            + " their session on the node that counted most%n", load.increments(), COUNTERS, retries);
        assertThat(retries).as("writes retried after their first attempt reached the cluster: the test must exercise"
            + " retries, not only first attempts").isPositive();
      }
    }
  }

  /** Threads that each read a counter and compare-and-set it one higher, counting the successes they were told of. */
  private static final class CounterLoad implements AutoCloseable {
    final AtomicLongArray acknowledged = new AtomicLongArray(COUNTERS);
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<KuorumClient> clients = new ArrayList<>();

    CounterLoad(List<String> endpoints, int threadCount) {
      // A short attempt timeout sends a write stuck at a paused leader to its successor; the deadline
      // outlasts any failover here, so every write ends with its answer.
      ClientOptions options = ClientOptions.defaults().withDeadline(Duration.ofSeconds(20))
          .withReadAttemptTimeout(Duration.ofMillis(300));
      for (int t = 0; t < threadCount; t++) {
        KuorumClient client = KuorumClient.connect(endpoints, options);
        clients.add(client);
        Random random = new Random(t);
        Thread thread = new Thread(() -> run(client, random), "counter-" + t);
        threads.add(thread);
        thread.start();
      }
    }

    private void run(KuorumClient client, Random random) {
      while (running.get()) {
        int c = random.nextInt(COUNTERS);
        String key = "counter-" + c;
        try {
          Optional<String> current = client.get(key).map(KeyValue::valueUtf8);
          long next = current.map(Long::parseLong).orElse(0L) + 1;
          if (client.compareAndSet(key, current, Long.toString(next)).succeeded()) {
            acknowledged.incrementAndGet(c);
            total.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failures.add(e.toString());
        }
      }
    }

    long increments() {
      return total.get();
    }

    void awaitIncrements(long atLeast, ProcessCluster cluster) {
      cluster.await(atLeast + " acknowledged increments", PATIENCE, () -> total.get() >= atLeast);
    }

    void stop() {
      running.set(false);
      Workload.joinAll(threads);
    }

    @Override
    public void close() {
      stop();
      clients.forEach(KuorumClient::close);
    }
  }
}
