package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.MembershipResult;
import io.kuorum.client.TransferResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes with real processes under client load: 3 voters grow to 5 (two new nodes join
 * as learners, catch up, and are promoted in one joint transition) and shrink back to 3, once
 * removing two followers and once removing the leader. No acknowledged write may be lost and the
 * history must be linearizable; each transition's duration is reported. Then leadership is handed
 * to named followers under load and the client-visible pause is reported.
 */
class MembershipProcessTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  void growToFiveAndShrinkToThreeUnderLoadLosesNothing(@TempDir Path dir) {
    List<String> report = new ArrayList<>();
    try (ProcessCluster cluster = ProcessCluster.start(3, dir);
        Workload load = Workload.start(cluster.endpoints(), 4);
        KuorumClient admin = KuorumClient.connect(cluster.endpoints(), ClientOptions.defaults())) {
      cluster.awaitLeader(PATIENCE);
      load.awaitWrites(100, PATIENCE);
      for (boolean removeLeader : new boolean[] {true, false}) {
        Set<Long> voters = ProcessCluster.voters(statusOfLeader(cluster));
        assertThat(voters).hasSize(3);
        NodeProcess a = cluster.startJoiner(dir);
        NodeProcess b = cluster.startJoiner(dir);
        long start = System.nanoTime();
        for (NodeProcess j : List.of(a, b)) {
          MembershipResult added = admin.addLearner(j.id, j.peerAddress(), j.endpoint());
          assertThat(added.changed()).isTrue();
          assertThat(admin.addLearner(j.id, j.peerAddress(), j.endpoint()).changed()).as("repeating is a no-op").isFalse();
        }
        cluster.await("learners " + a.id + " and " + b.id + " to catch up", PATIENCE, () -> caughtUp(cluster, a.id, b.id));
        long caughtUpMs = ms(start);
        List<Long> leaderMeasured = statusOfLeader(cluster).getMembersList().stream()
            .filter(m -> m.getId() == a.id || m.getId() == b.id).map(m -> m.getCatchUpMillis()).toList();
        Set<Long> five = new TreeSet<>(voters);
        five.add(a.id);
        five.add(b.id);
        MembershipResult grown = withLogs(cluster, () -> admin.changeVoters(five));
        assertThat(grown.voters()).containsExactlyElementsOf(five);
        assertThat(admin.changeVoters(five).changed()).as("repeating is a no-op").isFalse();
        report.add(String.format("3->5: learners caught up %d ms after being added (the leader measured %s ms from its"
            + " side), ChangeVoters took %d ms", caughtUpMs, leaderMeasured, grown.duration().toMillis()));
        load.awaitWrites(load.okWrites() + 50, PATIENCE);

        // Remove joiners before bootstrap members: the workload's clients know only the bootstrap
        // members' endpoints, so at least one of them must stay.
        NodeProcess leader = cluster.awaitLeader(PATIENCE);
        List<Long> removable = new ArrayList<>(five);
        removable.remove(leader.id);
        removable.sort((x, y) -> Boolean.compare(x <= 3, y <= 3));
        Set<Long> removed = new TreeSet<>(removeLeader ? List.of(leader.id, removable.get(0)) : removable.subList(0, 2));
        Set<Long> three = new TreeSet<>(five);
        three.removeAll(removed);
        long writes = load.okWrites();
        MembershipResult shrunk = withLogs(cluster, () -> admin.changeVoters(three));
        assertThat(shrunk.voters()).containsExactlyElementsOf(three);
        NodeProcess successor = cluster.awaitLeader(PATIENCE);
        assertThat(three).as("the leader is one of the remaining voters").contains(successor.id);
        report.add(String.format("5->3 removing %s%s: ChangeVoters took %d ms", removed, removeLeader ? " (the leader)" : "",
            shrunk.duration().toMillis()));
        removed.forEach(id -> cluster.retire(cluster.node(id)));
        load.awaitWrites(writes + 50, PATIENCE);
      }
      load.stop();
      ClusterChecks.assertEveryAcknowledgedWriteSurvived(cluster, load.acknowledged());
      ClusterChecks.assertLinearizable(load.history);
    }
    System.out.println("membership transitions under load (4 client threads, 20 ms ticks):\n  " + String.join("\n  ", report));
  }

  @Test
  void leadershipTransferUnderLoadPausesClientsBriefly(@TempDir Path dir) {
    List<Long> pausesMs = new ArrayList<>();
    List<Long> transferMs = new ArrayList<>();
    try (ProcessCluster cluster = ProcessCluster.start(3, dir);
        Workload load = Workload.start(cluster.endpoints(), 4);
        KuorumClient admin = KuorumClient.connect(cluster.endpoints(), ClientOptions.defaults())) {
      cluster.awaitLeader(PATIENCE);
      load.awaitWrites(100, PATIENCE);
      for (int round = 0; round < 10; round++) {
        NodeProcess leader = cluster.awaitLeader(PATIENCE);
        long target = cluster.nodes.stream().mapToLong(n -> n.id).filter(id -> id != leader.id).toArray()[round % 2];
        load.awaitSuccessAfter(System.nanoTime(), PATIENCE); // traffic is flowing right before the transfer
        long before = System.nanoTime();
        TransferResult r = admin.transferLeadership(target);
        assertThat(r.leaderId()).as(r.message()).isEqualTo(target);
        // Up to the first acknowledgement after the new leader took over, so the hand-over gap is inside.
        long after = load.awaitSuccessAfter(System.nanoTime(), PATIENCE);
        pausesMs.add(load.longestGapBetween(before, after) / 1_000_000);
        transferMs.add(r.duration().toMillis());
        assertThat(cluster.awaitLeader(PATIENCE).id).isEqualTo(target);
        load.awaitWrites(load.okWrites() + 20, PATIENCE);
      }
      load.stop();
      ClusterChecks.assertEveryAcknowledgedWriteSurvived(cluster, load.acknowledged());
      ClusterChecks.assertLinearizable(load.history);
    }
    List<Long> sorted = pausesMs.stream().sorted().toList();
    System.out.printf("leadership transfer under load (4 client threads, 20 ms ticks): client-visible pause median %d ms,"
            + " max %d ms, all %s; transfer durations %s ms%n", sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
        pausesMs, transferMs);
  }

  private static StatusResponse statusOfLeader(ProcessCluster cluster) {
    return cluster.status(cluster.awaitLeader(PATIENCE)).orElseThrow();
  }

  private static boolean caughtUp(ProcessCluster cluster, long... ids) {
    StatusResponse s = cluster.status(cluster.awaitLeader(PATIENCE)).orElseThrow();
    for (long id : ids) {
      boolean ok = s.getMembersList().stream().anyMatch(m -> m.getId() == id && m.hasCaughtUp() && m.getCaughtUp());
      if (!ok) return false;
    }
    return true;
  }

  /** An admin call whose failure message carries every node's log tail. */
  private static <T> T withLogs(ProcessCluster cluster, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw new AssertionError(e.getMessage() + cluster.logs(), e);
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
