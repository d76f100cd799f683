package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.KuorumException;
import io.kuorum.client.OutcomeUnknownException;
import io.kuorum.client.RecordingWatchListener;
import io.kuorum.client.RecordingWatchListener.Seen;
import io.kuorum.client.Watch;
import io.kuorum.client.WatchTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watch over three real node processes sees every change after its start revision exactly once and
 * in order, while the member it is attached to is SIGKILLed, leadership moves, and the next member it
 * attached to is SIGSTOPped: each time the client resumes at another member from the last revision
 * it delivered + 1. The sequence is compared with what the writer was told.
 */
class WatchProcessTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  void aWatchSeesEveryChangeInOrderAcrossMemberFailuresAndALeaderChange(@TempDir Path dir) throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start(3, dir)) {
      NodeProcess leader = cluster.awaitLeader(PATIENCE);
      List<NodeProcess> followers = cluster.nodes.stream().filter(n -> n != leader).toList();
      // The watch starts at a follower, so that killing the member it is attached to leaves the writes alone.
      List<String> watchOrder = List.of(followers.get(0).endpoint(), followers.get(1).endpoint(), leader.endpoint());
      try (KuorumClient writer = KuorumClient.connect(cluster.endpoints(), ClientOptions.defaults().withDeadline(Duration.ofSeconds(10)));
          KuorumClient watching = KuorumClient.connect(watchOrder)) {
        long start = writer.put("w/start", "0");
        List<Seen> written = new CopyOnWriteArrayList<>(List.of(RecordingWatchListener.put("w/start", "0", start)));
        RecordingWatchListener heard = new RecordingWatchListener();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> writerFailures = new CopyOnWriteArrayList<>();
        List<String> unknown = new CopyOnWriteArrayList<>();
        try (Watch watch = watching.watch(WatchTarget.prefix("w/"), start, heard)) {
          Thread load = new Thread(() -> {
            try {
              for (int i = 1; writing.get(); i++) write(writer, i, written, unknown);
            } catch (Throwable t) {
              writerFailures.add(t);
            }
          }, "watch-writer");
          load.start();

          awaitMore(cluster, heard, 30);
          NodeProcess first = attached(cluster, heard);
          assertThat(first.id).isEqualTo(followers.get(0).id);
          first.kill();
          cluster.await("the watch to resume at another member", PATIENCE, () -> heard.connections.size() == 2);
          awaitMore(cluster, heard, 30);
          first.start();
          cluster.awaitCaughtUp(first, PATIENCE);

          writer.transferLeadership(first.id); // leadership moves to the restarted member, away from the watch
          cluster.await("node " + first.id + " to lead", PATIENCE, () -> cluster.awaitLeader(PATIENCE).id == first.id);
          awaitMore(cluster, heard, 30);

          NodeProcess second = attached(cluster, heard);
          assertThat(second.id).isNotEqualTo(first.id);
          second.pause(); // its connection stays open: the client must notice the silence
          cluster.await("the watch to leave the paused member", PATIENCE, () -> heard.connections.size() == 3);
          awaitMore(cluster, heard, 30);
          second.resume();

          writing.set(false);
          load.join();
          assertThat(writerFailures).isEmpty();
          // A write whose outcome stayed open counts if its (new) key is there once everything settled.
          for (String key : unknown) {
            writer.get(key).ifPresent(kv -> written.add(RecordingWatchListener.put(key, kv.valueUtf8(), kv.revision())));
          }
          long last = written.stream().mapToLong(Seen::revision).max().orElseThrow();
          cluster.await("the watch to deliver revision " + last, PATIENCE, () -> heard.lastRevision() >= last);
          assertThat(heard.error()).isEmpty();
          assertThat(watch.nextRevision()).isEqualTo(last + 1);
        }
        List<Seen> expected = new ArrayList<>(written);
        expected.sort(Comparator.comparingLong(Seen::revision));
        assertThat(heard.events).containsExactlyElementsOf(expected);
        System.out.printf("watch across a SIGKILL, a leadership transfer and a SIGSTOP: %d changes in order, streams at %s%n",
            heard.events.size(), heard.connections);
      }
    }
  }

  /** One write of a new key under w/ (a put or a create-only compare-and-set), and a write outside the prefix now and then. */
  private static void write(KuorumClient writer, int i, List<Seen> written, List<String> unknown) {
    String key = "w/" + i;
    String value = "v" + i;
    while (true) {
      try {
        long revision = i % 2 == 0 ? writer.put(key, value) : writer.compareAndSet(key, Optional.empty(), value).revision();
        written.add(RecordingWatchListener.put(key, value, revision));
        break;
      } catch (OutcomeUnknownException e) {
        unknown.add(key); // resolved at the end; writing it again could apply it twice
        break;
      } catch (KuorumException e) {
        // nothing applied (no leader for a moment): write it again
      }
    }
    if (i % 7 == 0) writer.put("other/" + i, "outside the watched prefix");
  }

  private static void awaitMore(ProcessCluster cluster, RecordingWatchListener heard, int more) {
    int target = heard.events.size() + more;
    cluster.await(target + " changes delivered", PATIENCE, () -> heard.events.size() >= target);
  }

  private static NodeProcess attached(ProcessCluster cluster, RecordingWatchListener heard) {
    String endpoint = heard.attachedTo();
    return cluster.nodes.stream().filter(n -> n.endpoint().equals(endpoint)).findFirst().orElseThrow();
  }
}
