package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.admin.proto.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes under client load: the leader is SIGKILLed (or SIGSTOPped) again and again; a new
 * leader takes over, the old one comes back and catches up, no acknowledged write is lost, and the
 * client history is linearizable. The time from kill to the first acknowledged write is reported.
 */
class FailoverTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void killingTheLeaderLosesNoAcknowledgedWrite(@TempDir Path dir) {
    int rounds = Integer.getInteger("failover.rounds", 10);
    List<Long> failoverMs = new ArrayList<>();
    try (ProcessCluster cluster = ProcessCluster.start(3, dir); Workload load = Workload.start(cluster.endpoints(), 4)) {
      cluster.awaitLeader(PATIENCE);
      load.awaitWrites(100, PATIENCE);
      for (int round = 0; round < rounds; round++) {
        NodeProcess leader = cluster.awaitLeader(PATIENCE);
        long writes = load.okWrites();
        leader.kill();
        long killedAt = System.nanoTime(); // once the process is gone: it can answer nothing after this
        long recoveredAt = load.awaitSuccessAfter(killedAt, PATIENCE);
        failoverMs.add((recoveredAt - killedAt) / 1_000_000);
        NodeProcess successor = cluster.awaitLeader(PATIENCE);
        assertThat(successor.id).as("a new leader").isNotEqualTo(leader.id);
        leader.start();
        cluster.awaitCaughtUp(leader, PATIENCE);
        load.awaitWrites(writes + 50, PATIENCE);
      }
      load.stop();
      ClusterChecks.assertEveryAcknowledgedWriteSurvived(cluster, load.acknowledged());
      ClusterChecks.assertLinearizable(load.history);
    }
    List<Long> sorted = failoverMs.stream().sorted().toList();
    System.out.printf("failover (leader SIGKILLed and reaped -> first acknowledged write), election timeout 200-400 ms: median %d ms,"
        + " min %d ms, max %d ms, all %s%n", sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1),
        failoverMs);
  }

  /**
   * The leader is stopped (SIGSTOP) for longer than an election timeout while clients read at every
   * consistency: through the leader, at followers (which ask the leader for a read index), by the
   * leader's lease, and serializable. When it resumes it must serve nothing stale, whatever its lease
   * said before the pause: it counts the ticks the pause took before it trusts the lease again.
   */
  @Test
  void aPausedLeaderServesNothingStaleWhenItResumes(@TempDir Path dir) {
    try (ProcessCluster cluster = ProcessCluster.start(3, dir);
        Workload load = Workload.startWithEveryReadKind(cluster.endpoints(), 6)) {
      cluster.awaitLeader(PATIENCE);
      load.awaitWrites(100, PATIENCE);
      for (int round = 0; round < 3; round++) {
        NodeProcess paused = cluster.awaitLeader(PATIENCE);
        long term = cluster.status(paused).map(StatusResponse::getTerm).orElseThrow();
        paused.pause();
        long writes = load.okWrites();
        NodeProcess successor = cluster.awaitLeader(PATIENCE);
        assertThat(successor.id).isNotEqualTo(paused.id);
        load.awaitWrites(writes + 50, PATIENCE);
        paused.resume();
        // The old leader learns of the newer term and follows; it must not lead its stale term again.
        cluster.await("the resumed node " + paused.id + " to follow a newer term", PATIENCE, () -> {
          Optional<StatusResponse> s = cluster.status(paused);
          return s.isPresent() && s.get().getTerm() > term && !s.get().getRole().equals("leader");
        });
        cluster.awaitCaughtUp(paused, PATIENCE);
      }
      load.stop();
      ClusterChecks.assertEveryAcknowledgedWriteSurvived(cluster, load.acknowledged());
      ClusterChecks.assertLinearizable(load.history);
      for (Workload.ReadKind kind : Workload.ReadKind.values()) {
        assertThat(load.okReads(kind)).as("%s reads answered", kind).isPositive();
      }
      System.out.printf("paused-leader test: shared-key reads answered: %s%n",
          java.util.Arrays.stream(Workload.ReadKind.values()).map(k -> k + "=" + load.okReads(k)).toList());
    }
  }
}
