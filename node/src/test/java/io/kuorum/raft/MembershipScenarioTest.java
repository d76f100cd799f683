package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Message.AppendEntries;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hand-driven scenarios of joint consensus (§6), learners and leadership transfer (dissertation §3.10). */
class MembershipScenarioTest {

  private static final byte[] CTX = new byte[0];

  private static void addCaughtUpLearners(TestCluster c, long... ids) {
    for (long id : ids) {
      c.startEmpty(id);
      assertThat(c.node(1).addLearner(id, CTX)).isInstanceOf(ProposeResult.Accepted.class);
      c.stabilize();
      c.node(1).tick(); // heartbeats confirm the probe
      c.stabilize();
    }
  }

  @Test
  void aNodeWithoutConfigurationNeverCampaignsAndJoinsOnceAdded() {
    TestCluster c = TestCluster.ledBy1(1);
    c.startEmpty(2);
    for (int i = 0; i < 100; i++) c.node(2).tick();
    c.stabilize();
    assertThat(c.node(2).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.node(2).term()).as("no campaign, no term change").isZero();

    addCaughtUpLearners(c, 2);
    assertThat(c.node(2).configuration().learners()).containsExactly(2L);
    for (int i = 0; i < 100; i++) c.node(2).tick();
    assertThat(c.node(2).role()).as("a learner never campaigns").isEqualTo(Role.FOLLOWER);
    assertThat(c.node(1).progress().get(2L).caughtUp()).isTrue();

    assertThat(c.node(1).changeVoters(Set.of(1L, 2L), CTX)).isInstanceOf(ProposeResult.Accepted.class);
    c.stabilize();
    for (long id : new long[] {1, 2}) {
      assertThat(c.node(id).configuration()).as("node %d", id).isEqualTo(Configuration.of(Set.of(1L, 2L)));
      assertThat(c.node(id).commitIndex()).isEqualTo(c.node(id).configurationIndex());
    }
  }

  /**
   * Dissertation §4.2.2: a server not in its latest configuration may still be needed until that
   * configuration commits. Here the old leader holds C_new={2} uncommitted and restarts; node 2 never
   * got C_new and still runs the joint configuration, so it needs node 1's vote, which node 1 (whose log
   * is longer) refuses. Only node 1 can finish the change, so it must campaign though C_new excludes it.
   */
  @Test
  void aLeaderRemovedByAnUncommittedCNewStillCampaignsToFinishTheChange() {
    TestCluster c = TestCluster.ledBy1(1);
    addCaughtUpLearners(c, 2);
    long jointAt = c.node(1).lastIndex() + 1;
    c.dropWhen(m -> m instanceof AppendEntries ae && ae.entries().stream().anyMatch(e -> e.index() > jointAt));
    c.node(1).changeVoters(Set.of(2L), CTX);
    c.stabilize();
    assertThat(c.node(1).configuration()).as("node 1 appended C_new").isEqualTo(Configuration.of(Set.of(2L)));
    assertThat(c.node(2).configuration().isJoint()).as("node 2 never got it").isTrue();
    c.crash(1);
    c.restart(1);
    c.healAll();

    c.tickAll(100);

    assertThat(c.node(2).role()).as("node 2 leads C_new once node 1 committed it").isEqualTo(Role.LEADER);
    assertThat(c.node(2).configuration()).isEqualTo(Configuration.of(Set.of(2L)));
    assertThat(c.node(2).commitIndex()).isGreaterThanOrEqualTo(jointAt + 1);
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
  }

  @Test
  void theJointConfigurationNeedsAMajorityOfBothOldAndNew() {
    TestCluster c = TestCluster.ledBy1(3);
    addCaughtUpLearners(c, 4, 5);
    c.dropWhen(m -> m.from() >= 4 || m.to() >= 4);
    ProposeResult r = c.node(1).changeVoters(Set.of(1L, 4L, 5L), CTX);
    long jointAt = ((ProposeResult.Accepted) r).index();
    c.stabilize();
    assertThat(c.node(1).configuration().isJoint()).isTrue();
    assertThat(c.node(1).commitIndex()).as("C_old's majority {1,2,3} alone does not commit C_old,new").isLessThan(jointAt);

    c.healAll();
    for (int i = 0; i < 20; i++) { // lost appends are resent once the stalled progress is re-probed
      c.node(1).tick();
      c.stabilize();
    }
    assertThat(c.node(1).commitIndex()).isGreaterThan(jointAt);
    assertThat(c.node(1).configuration()).as("C_new follows by itself").isEqualTo(Configuration.of(Set.of(1L, 4L, 5L)));
    assertThat(c.node(1).commitIndex()).isEqualTo(c.node(1).configurationIndex());
  }

  @Test
  void theJointConfigurationIsNotCommittedByCNewAlone() {
    TestCluster c = TestCluster.ledBy1(3);
    addCaughtUpLearners(c, 4, 5);
    c.dropWhen(m -> m.from() == 2 || m.to() == 2 || m.from() == 3 || m.to() == 3);
    long jointAt = ((ProposeResult.Accepted) c.node(1).changeVoters(Set.of(1L, 4L, 5L), CTX)).index();
    c.stabilize();
    assertThat(c.node(4).lastIndex()).as("C_new's majority {1,4,5} holds it").isGreaterThanOrEqualTo(jointAt);
    assertThat(c.node(1).commitIndex()).as("but C_old's majority does not").isLessThan(jointAt);
  }

  @Test
  void aFollowerFallsBackToTheEarlierConfigurationWhenALeaderOverwritesIt() {
    TestCluster c = TestCluster.ledBy1(5);
    c.startEmpty(6);
    c.dropWhen(m -> m.from() == 1 && m.to() != 2);
    long at = ((ProposeResult.Accepted) c.node(1).addLearner(6, CTX)).index();
    c.stabilize();
    assertThat(c.node(2).configurationIndex()).as("takes effect when appended").isEqualTo(at);
    assertThat(c.node(2).configuration().learners()).containsExactly(6L);

    c.crash(1);
    c.healAll();
    c.outliveLeader(4, 5); // 2, with the longer log, still sticks to the crashed leader
    c.campaign(3); // wins with 3, 4 and 5, whose logs are as up to date as it needs
    assertThat(c.node(3).role()).isEqualTo(Role.LEADER);
    c.node(3).tick();
    c.stabilize();
    assertThat(c.node(2).configurationIndex()).as("the uncommitted entry was overwritten").isZero();
    assertThat(c.node(2).configuration()).isEqualTo(Configuration.of(Set.of(1L, 2L, 3L, 4L, 5L)));
  }

  @Test
  void aVoteRequestFromAStrangerIsIgnoredWhileTheLeaderIsHeard() {
    TestCluster c = TestCluster.ledBy1(3);
    long term = c.node(2).term();
    c.node(2).step(new Message.RequestVote(99, 2, term + 5, 1000, term + 4, false, false));
    assertThat(c.node(2).term()).as("§4.2.3: not news while the leader is heard").isEqualTo(term);
    assertThat(c.node(2).leader()).hasValue(1);
  }

  @Test
  void aLeaderRemovedFromTheVotersHandsOverStepsDownAndNeverCampaigns() {
    TestCluster c = TestCluster.ledBy1(3);
    assertThat(c.node(1).changeVoters(Set.of(2L, 3L), CTX)).isInstanceOf(ProposeResult.Accepted.class);
    c.stabilize();
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
    long newLeader = c.node(2).role() == Role.LEADER ? 2 : 3;
    assertThat(c.node(newLeader).role()).as("handed over with TimeoutNow, no election timeout needed").isEqualTo(Role.LEADER);
    assertThat(c.node(newLeader).configuration()).isEqualTo(Configuration.of(Set.of(2L, 3L)));
    assertThat(c.node(1).propose("late".getBytes())).isInstanceOf(ProposeResult.NotLeader.class);
    long term = c.node(1).term();
    for (int i = 0; i < 200; i++) c.node(1).tick();
    c.stabilize();
    assertThat(c.node(1).term()).as("a removed node never campaigns").isEqualTo(term);
    assertThat(c.node(newLeader).role()).isEqualTo(Role.LEADER);
  }

  @Test
  void changesAreRefusedWithAReason() {
    TestCluster c = TestCluster.ledBy1(3);
    assertThat(c.node(2).addLearner(4, CTX)).isInstanceOf(ProposeResult.NotLeader.class);
    assertThat(refusal(c.node(1).changeVoters(Set.of(1L, 2L, 9L), CTX))).contains("not a learner");
    assertThat(refusal(c.node(1).changeVoters(Set.of(), CTX))).contains("empty");
    assertThat(refusal(c.node(1).addLearner(2, CTX))).contains("is a voter");
    assertThat(c.node(1).changeVoters(Set.of(1L, 2L, 3L), CTX)).isEqualTo(new ProposeResult.Unchanged("the voters already are [1, 2, 3]"));

    c.startEmpty(4);
    c.dropWhen(m -> m.to() == 4 || m.from() == 4);
    assertThat(c.node(1).addLearner(4, CTX)).isInstanceOf(ProposeResult.Accepted.class);
    assertThat(refusal(c.node(1).addLearner(5, CTX))).as("one change at a time").contains("in progress");
    c.stabilize();
    assertThat(refusal(c.node(1).changeVoters(Set.of(1L, 2L, 3L, 4L), CTX))).contains("has not caught up");
    assertThat(c.node(1).addLearner(4, CTX)).isInstanceOf(ProposeResult.Unchanged.class);
  }

  @Test
  void aNewLeaderTakesNoChangeBeforeItCommitsAnEntryOfItsTerm() {
    TestCluster c = TestCluster.of(3).start();
    c.dropWhen(m -> m instanceof AppendEntries);
    c.campaign(1);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    c.startEmpty(4);
    assertThat(refusal(c.node(1).addLearner(4, CTX))).contains("has not committed an entry of its term");
    c.healAll();
    c.node(1).tick();
    c.stabilize();
    assertThat(c.node(1).addLearner(4, CTX)).isInstanceOf(ProposeResult.Accepted.class);
  }

  @Test
  void leadershipTransferHandsOverToTheNamedVoter() {
    TestCluster c = TestCluster.ledBy1(3);
    c.node(1).propose("x".getBytes());
    assertThat(c.node(1).transferLeadership(3)).isEqualTo(new TransferResult.Started(3));
    c.stabilize();
    assertThat(c.node(3).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.node(3).transferLeadership(3)).isEqualTo(new TransferResult.AlreadyLeader(3));
    assertThat(c.node(3).transferLeadership(7)).isInstanceOf(TransferResult.Refused.class);
  }

  @Test
  void aTransferThatCannotCompleteIsAbandonedAfterAnElectionTimeout() {
    TestCluster c = TestCluster.ledBy1(3);
    c.isolate(3);
    assertThat(c.node(1).transferLeadership(0)).isInstanceOf(TransferResult.Started.class);
    assertThat(c.node(1).transferLeadership(2)).isInstanceOf(TransferResult.Refused.class);
    assertThat(c.node(1).propose("y".getBytes())).as("no proposals while handing over").isInstanceOf(ProposeResult.Refused.class);
    assertThat(refusal(c.node(1).addLearner(9, CTX))).as("no changes either").contains("being transferred");
    // auto picked one of the voters; take 3 away for good so the transfer cannot finish if it picked 3
    c.dropWhen(m -> m.to() == 3 || m.from() == 3 || m instanceof Message.TimeoutNow);
    c.tickAll(10);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).transferTarget()).isEmpty();
    assertThat(c.node(1).propose("z".getBytes())).isInstanceOf(ProposeResult.Accepted.class);
  }

  private static String refusal(ProposeResult r) {
    assertThat(r).isInstanceOf(ProposeResult.Refused.class);
    return ((ProposeResult.Refused) r).reason();
  }
}
