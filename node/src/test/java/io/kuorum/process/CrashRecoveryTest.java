package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.admin.proto.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL mid-write, many times: each restart must find its log intact (the store validates every
 * entry on open and refuses a damaged one) and rejoin; at the end every acknowledged write is there.
 */
class CrashRecoveryTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void nodesKilledMidWriteRestartIntactAndRejoin(@TempDir Path dir) {
    int rounds = Integer.getInteger("crash.rounds", 20);
    try (ProcessCluster cluster = ProcessCluster.start(3, dir); Workload load = Workload.start(cluster.endpoints(), 4)) {
      cluster.awaitLeader(PATIENCE);
      load.awaitWrites(50, PATIENCE);
      for (int round = 0; round < rounds; round++) {
        NodeProcess victim = cluster.node(round % 3 + 1);
        long writes = load.okWrites();
        load.awaitWrites(writes + 20, PATIENCE); // mid-write: clients are busy right now
        long committedBefore = cluster.status(victim).map(StatusResponse::getCommitIndex).orElse(0L);
        victim.kill();
        victim.start();
        cluster.awaitCaughtUp(victim, PATIENCE);
        assertThat(victim.isAlive()).as("node %d restarted cleanly in round %d:%n%s", victim.id, round, victim.logTail(20))
            .isTrue();
        // What it knew to be committed before the kill it applies again (its uncommitted tail may be replaced).
        cluster.await("node " + victim.id + " to apply again up to its commit index " + committedBefore + " of before the kill",
            PATIENCE, () -> cluster.status(victim).map(StatusResponse::getAppliedIndex).orElse(0L) >= committedBefore);
      }
      load.stop();
      ClusterChecks.assertEveryAcknowledgedWriteSurvived(cluster, load.acknowledged());
      ClusterChecks.assertLinearizable(load.history);
    }
  }
}
