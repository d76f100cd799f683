package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hand-driven scenarios of linearizable reads without log entries (dissertation §6.4, ReadIndex). */
class ReadIndexScenarioTest {

  @Test
  void aReadIsConfirmedAtTheCommitIndexItArrivedAtOnceAQuorumAnswersAHeartbeatSentAfterIt() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(3);
    long commit = c.node(1).commitIndex();
    int delivered = c.delivered().size();

    assertThat(c.node(1).requestRead(7)).isInstanceOf(ReadResult.Pending.class);
    c.processReady(1); // the round's heartbeats are handed out, nothing delivered yet
    assertThat(c.reads(1)).as("no quorum has answered yet").isEmpty();

    c.stabilize();
    assertThat(c.reads(1)).containsExactly(new ReadState.Confirmed(7, commit));
    List<Message> round = c.delivered().subList(delivered, c.delivered().size());
    assertThat(round).as("one heartbeat round, no log entry").noneMatch(m -> m instanceof Message.AppendEntries)
        .anyMatch(m -> m instanceof Heartbeat hb && hb.round() == 1)
        .anyMatch(m -> m instanceof HeartbeatResponse hr && hr.round() == 1);
    assertThat(c.node(1).lastIndex()).isEqualTo(commit);
  }

  @Test
  void readsArrivingTogetherShareOneRound() {
    TestCluster c = TestCluster.ledBy1(3);
    int delivered = c.delivered().size();
    for (long id = 1; id <= 5; id++) c.node(1).requestRead(id);
    c.stabilize();
    assertThat(c.reads(1)).extracting(ReadState::readId).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(c.delivered().subList(delivered, c.delivered().size()))
        .filteredOn(m -> m instanceof Heartbeat).as("one heartbeat per follower").hasSize(2);
  }

  @Test
  void aNewLeaderHoldsReadsUntilItCommitsAnEntryOfItsTerm() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(2);
    c.isolate(1);
    c.outliveLeader(2, 3);
    // Node 2 wins, but its no-op cannot commit yet: 3's acknowledgements are lost for now.
    c.dropWhen(m -> m.from() == 1 || m.to() == 1 || (m.from() == 3 && m instanceof Message.AppendResponse));
    c.campaign(2);
    assertThat(c.node(2).role()).isEqualTo(Role.LEADER);
    long noop = c.node(2).lastIndex();
    assertThat(c.node(2).commitIndex()).isLessThan(noop);

    c.node(2).requestRead(1);
    c.stabilize();
    c.node(2).tick();
    c.stabilize();
    assertThat(c.reads(2)).as("heartbeats are answered, but the commit index may be stale").isEmpty();

    c.dropWhen(m -> m.from() == 1 || m.to() == 1);
    for (int i = 0; i < 10 && c.reads(2).isEmpty(); i++) {
      c.node(2).tick();
      c.stabilize();
    }
    assertThat(c.reads(2)).containsExactly(new ReadState.Confirmed(1, noop));
  }

  @Test
  void anIsolatedLeaderNeverConfirmsAndAbandonsItsReadsWhenItStepsDown() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(1);
    c.isolate(1);
    c.node(1).requestRead(9);
    c.tickAll(25); // check-quorum: it steps down after an election timeout without a quorum
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.reads(1)).containsExactly(new ReadState.Abandoned(9, OptionalLong.empty()));
  }

  @Test
  void aDeposedLeaderThatStillBelievesItLeadsConfirmsNothing() {
    // Without check-quorum a cut-off leader keeps believing; its reads must still wait for a quorum.
    TestCluster c = new TestCluster(3, cfg -> cfg.withElection(10, 1, true, false)).start();
    c.campaign(1);
    c.isolate(1);
    c.outliveLeader(2, 3);
    c.campaign(2);
    c.node(2).propose("newer".getBytes());
    c.stabilize();
    c.node(1).requestRead(3);
    c.tickAll(30);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.reads(1)).isEmpty();

    c.healAll();
    c.tickAll(5);
    assertThat(c.node(1).role()).as("the new term reached it").isEqualTo(Role.FOLLOWER);
    assertThat(c.reads(1)).containsExactly(new ReadState.Abandoned(3, OptionalLong.of(2)));
  }

  @Test
  void aSingleVoterConfirmsAtOnceAndANodeThatKnowsNoLeaderRefusesReads() {
    TestCluster one = TestCluster.ledBy1(1);
    one.node(1).requestRead(4);
    one.stabilize();
    assertThat(one.reads(1)).containsExactly(new ReadState.Confirmed(4, one.node(1).commitIndex()));

    TestCluster three = TestCluster.of(3).start(); // no election yet
    assertThat(three.node(2).requestRead(5)).isEqualTo(new ReadResult.NotLeader(OptionalLong.empty()));
    three.stabilize();
    assertThat(three.reads(2)).isEmpty();
  }

  @Test
  void duringAJointChangeBothMajoritiesMustAnswer() {
    TestCluster c = TestCluster.ledBy1(3);
    for (long id : new long[] {4, 5}) {
      c.startEmpty(id);
      c.node(1).addLearner(id, new byte[0]);
      c.stabilize();
      c.node(1).tick();
      c.stabilize();
    }
    // Stall the second transition so the joint configuration stays: C_new's members stop answering appends.
    c.dropWhen(m -> (m.from() == 4 || m.from() == 5) && m instanceof Message.AppendResponse);
    c.node(1).changeVoters(Set.of(1L, 4L, 5L), new byte[0]);
    c.stabilize();
    assertThat(c.node(1).configuration().isJoint()).isTrue();

    // {1, 2, 3} is a majority of C_old and holds 1 of C_new's 3: not enough.
    c.dropWhen(m -> m.from() == 4 || m.from() == 5);
    c.node(1).requestRead(6);
    c.stabilize();
    c.node(1).tick();
    c.stabilize();
    assertThat(c.reads(1)).isEmpty();

    c.dropWhen(m -> (m.from() == 4 || m.from() == 5) && m instanceof Message.AppendResponse);
    c.node(1).tick();
    c.stabilize();
    assertThat(c.reads(1)).extracting(ReadState::readId).containsExactly(6L);
  }
}
