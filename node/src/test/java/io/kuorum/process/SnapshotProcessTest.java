package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots with real processes: enough writes to force several snapshots and compactions on every
 * node, then a new member joins and catches up by InstallSnapshot; it is SIGKILLed in the middle of
 * the install, restarts, and still catches up. No acknowledged write may be lost.
 */
class SnapshotProcessTest {

  private static final Duration PATIENCE = Duration.ofSeconds(120);
  /** The 200,000 keys (about 4 minutes on 2 cores); fewer with -Dsnapshot.keys=N for a quick run. */
  private static final int KEYS = Integer.getInteger("snapshot.keys", 200_000);
  private static final int THREADS = 64;
  private static final int BUCKET = 1000;

  @Test
  void aNewMemberCatchesUpBySnapshotEvenWhenKilledMidInstall(@TempDir Path dir) throws Exception {
    List<String> args = new ArrayList<>(ProcessCluster.FAST_TIMERS);
    args.addAll(List.of("--snapshot-entries", Integer.toString(Math.max(1000, KEYS / 4))));
    long start = System.nanoTime();
    try (ProcessCluster cluster = new ProcessCluster(3, dir, args).startAll();
        KuorumClient client = KuorumClient.connect(cluster.endpoints(), ClientOptions.defaults().withDeadline(Duration.ofSeconds(30)))) {
      cluster.awaitLeader(PATIENCE);
      writeKeys(client);
      long wroteMs = (System.nanoTime() - start) / 1_000_000;
      for (NodeProcess n : List.copyOf(cluster.nodes)) {
        cluster.await("node " + n.id + " to snapshot more than once", PATIENCE, () -> snapshotFiles(n).size() >= 2);
      }

      NodeProcess joiner = cluster.startJoiner(dir);
      client.addLearner(joiner.id, joiner.peerAddress(), joiner.endpoint());
      // Kill it as soon as a snapshot is on its way in (a staging file exists), or installed already.
      cluster.await("node " + joiner.id + " to start receiving a snapshot", PATIENCE,
          () -> !stagingFiles(joiner).isEmpty() || !snapshotFiles(joiner).isEmpty());
      boolean midTransfer = snapshotFiles(joiner).isEmpty();
      joiner.kill();
      joiner.start();
      cluster.await("node " + joiner.id + " to catch up", PATIENCE, () -> caughtUp(cluster, joiner.id));
      assertThat(joiner.log()).contains("loaded the leader's snapshot");
      System.out.printf("snapshots: %d keys written in %d ms; the new member was killed %s and caught up by snapshot;"
          + " snapshot files per node %s%n", KEYS, wroteMs, midTransfer ? "while receiving the snapshot" : "right after installing it",
          cluster.nodes.stream().map(n -> n.id + "=" + snapshotFiles(n)).toList());

      // Every acknowledged key, read back through the new member's view of the cluster.
      try (KuorumClient viaJoiner = KuorumClient.connect(List.of(joiner.endpoint()),
          ClientOptions.defaults().withDeadline(Duration.ofSeconds(30)))) {
        assertAllKeysPresent(viaJoiner);
      } catch (RuntimeException e) {
        throw new AssertionError("reading the keys back failed: " + e + cluster.logs(), e);
      }
    }
  }

  private static void writeKeys(KuorumClient client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = thread; i < KEYS; i += THREADS) client.put(key(i), "v" + i);
        }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private static String key(int i) {
    return String.format("b%05d/%07d", i / BUCKET, i);
  }

  private static void assertAllKeysPresent(KuorumClient client) {
    int found = 0;
    for (int b = 0; b * BUCKET < KEYS; b++) {
      List<KeyValue> kvs = client.range(String.format("b%05d/", b), 0).entries();
      for (KeyValue kv : kvs) {
        String k = kv.keyUtf8();
        assertThat(kv.valueUtf8()).as(k).isEqualTo("v" + Integer.parseInt(k.substring(k.indexOf('/') + 1)));
      }
      found += kvs.size();
    }
    assertThat(found).as("acknowledged keys read back").isEqualTo(KEYS);
  }

  private static boolean caughtUp(ProcessCluster cluster, long id) {
    var s = cluster.status(cluster.awaitLeader(PATIENCE)).orElseThrow();
    return s.getMembersList().stream().anyMatch(m -> m.getId() == id && m.hasCaughtUp() && m.getCaughtUp() && m.getLag() == 0);
  }

  private static List<String> snapshotFiles(NodeProcess n) {
    return list(n.dataDir().resolve("snapshots"), ".snap");
  }

  private static List<String> stagingFiles(NodeProcess n) {
    return list(n.dataDir().resolve("snapshots"), ".tmp");
  }

  private static List<String> list(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
