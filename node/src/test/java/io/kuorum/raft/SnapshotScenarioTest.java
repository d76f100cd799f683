package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Message.InstallSnapshot;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hand-driven scenarios of log compaction and InstallSnapshot (§7, Figure 13). */
class SnapshotScenarioTest {

  @Test
  void aFollowerThatMissedCompactedEntriesCatchesUpBySnapshotThenByEntries() {
    TestCluster c = TestCluster.ledBy1(3);
    c.crash(3);
    c.writeAt1(10);
    Snapshot snap = c.compact(1);
    assertThat(c.node(1).firstIndex()).isEqualTo(snap.index() + 1);
    c.writeAt1(3);

    c.restart(3);
    for (int i = 0; i < 30 && c.node(3).lastIndex() != c.node(1).lastIndex(); i++) {
      c.node(1).tick(); // heartbeats reveal that 3 is back and behind
      c.stabilize();
    }
    assertThat(c.delivered()).as("the leader sent its snapshot").anyMatch(m -> m instanceof InstallSnapshot is && is.to() == 3);
    assertThat(c.node(3).snapshot()).hasValue(snap);
    assertThat(c.node(3).lastIndex()).isEqualTo(c.node(1).lastIndex());
    assertThat(c.node(3).commitIndex()).isEqualTo(c.node(1).commitIndex());
    assertThat(c.disk(3).snapshot()).as("stored before it was acknowledged").hasValue(snap);
  }

  @Test
  void aSnapshotReplacesAConflictingUncommittedTail() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(3);
    // Node 3 leads a term alone: its entries never commit.
    c.isolate(3);
    c.outliveLeader(3);
    c.campaign(3);
    for (int i = 0; i < 3; i++) c.node(3).propose(("lost" + i).getBytes());
    c.stabilize();
    long lostFrom = c.node(1).lastIndex() + 1;
    c.writeAt1(6);
    c.compact(1);

    c.healAll();
    for (int i = 0; i < 30 && c.node(3).lastIndex() != c.node(1).lastIndex(); i++) {
      c.node(1).tick();
      c.stabilize();
    }
    assertThat(c.node(3).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.node(3).log()).isEqualTo(c.node(1).log());
    assertThat(c.node(3).firstIndex()).as("the stale tail from " + lostFrom + " is gone").isGreaterThan(lostFrom);
  }

  @Test
  void aLearnerAddedAfterCompactionGetsTheConfigurationWithTheSnapshot() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(5);
    c.startEmpty(4);
    c.node(1).addLearner(4, new byte[0]);
    c.stabilize();
    c.node(1).tick();
    c.stabilize();
    c.compact(1);
    c.startEmpty(5);
    c.node(1).addLearner(5, new byte[0]);
    c.stabilize();
    c.node(1).tick();
    c.stabilize();
    assertThat(c.node(5).configuration()).isEqualTo(c.node(1).configuration());
    assertThat(c.node(5).configuration().learners()).containsExactly(4L, 5L);
  }

  @Test
  void aNodeRestartsFromItsSnapshotAndTheLogAfterIt() {
    TestCluster c = TestCluster.ledBy1(3);
    c.startEmpty(4);
    c.node(1).addLearner(4, new byte[0]);
    c.writeAt1(8);
    Snapshot snap = c.compact(2);
    c.writeAt1(2);
    long commit = c.node(2).commitIndex();
    c.crash(2);
    c.restart(2);
    assertThat(c.node(2).snapshot()).hasValue(snap);
    assertThat(c.node(2).firstIndex()).isEqualTo(snap.index() + 1);
    assertThat(c.node(2).commitIndex()).isEqualTo(commit);
    assertThat(c.node(2).configuration().learners()).containsExactly(4L);
    assertThat(c.node(2).configuration()).isEqualTo(c.node(1).configuration());
    assertThat(Set.copyOf(c.node(2).log())).isEqualTo(Set.copyOf(c.node(1).log().subList(
        (int) (snap.index() - c.node(1).firstIndex() + 1), c.node(1).log().size())));
  }
}
