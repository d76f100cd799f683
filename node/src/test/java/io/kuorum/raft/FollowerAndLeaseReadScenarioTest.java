package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Hand-driven scenarios of reads at followers (dissertation §6.4: a follower asks the leader for a read
 * index) and of lease reads at the leader (§6.4.1).
 */
class FollowerAndLeaseReadScenarioTest {

  // ---------------------------------------------------------------- follower reads (§6.4)

  @Test
  void aFollowerGetsItsReadIndexFromTheLeaderWhichConfirmsItWithAHeartbeatRound() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(3);
    long commit = c.node(1).commitIndex();
    int delivered = c.delivered().size();

    assertThat(c.node(2).requestRead(7)).isInstanceOf(ReadResult.Pending.class);
    c.stabilize();

    assertThat(c.reads(2)).containsExactly(new ReadState.Confirmed(7, commit));
    assertThat(c.reads(1)).as("the leader hands its runtime nothing for a follower's read").isEmpty();
    List<Message> exchange = c.delivered().subList(delivered, c.delivered().size());
    assertThat(exchange).as("no log entry")
        .noneMatch(m -> m instanceof Message.AppendEntries)
        .contains(new ReadIndexRequest(2, 1, 1, 7), new ReadIndexResponse(1, 2, 1, 7, commit))
        .anyMatch(m -> m instanceof Heartbeat hb && hb.round() == 1);
    assertThat(c.node(1).lastIndex()).isEqualTo(commit);
  }

  @Test
  void readsThatArriveBetweenTwoReadiesShareOneRequestAndAreAllConfirmed() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(2);
    long commit = c.node(1).commitIndex();
    int delivered = c.delivered().size();

    c.node(2).requestRead(7);
    c.node(2).requestRead(8);
    c.node(2).requestRead(9);
    c.stabilize();

    assertThat(c.reads(2)).containsExactly(new ReadState.Confirmed(7, commit), new ReadState.Confirmed(8, commit),
        new ReadState.Confirmed(9, commit));
    assertThat(c.delivered().subList(delivered, c.delivered().size()))
        .filteredOn(m -> m instanceof ReadIndexRequest)
        .as("one request for the three reads, under the first read's id")
        .containsExactly(new ReadIndexRequest(2, 1, 1, 7));
  }

  @Test
  void theLeaderKeysForwardedReadsByWhoAskedSoEqualIdsOfDifferentFollowersDoNotMix() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(1);
    c.node(1).requestRead(5);
    c.node(2).requestRead(5);
    c.node(3).requestRead(5);
    c.stabilize();
    long commit = c.node(1).commitIndex();

    assertThat(c.reads(1)).containsExactly(new ReadState.Confirmed(5, commit));
    assertThat(c.reads(2)).containsExactly(new ReadState.Confirmed(5, commit));
    assertThat(c.reads(3)).containsExactly(new ReadState.Confirmed(5, commit));
  }

  @Test
  void aLostAnswerIsGivenUpAfterTwoElectionTimeoutsPointingAtTheLeader() {
    TestCluster c = TestCluster.ledBy1(3);
    c.dropWhen(m -> m instanceof ReadIndexResponse);
    c.node(2).requestRead(8);
    c.stabilize();
    for (int i = 0; i < 2 * 10 - 1; i++) {
      c.tickAll(1);
    }
    assertThat(c.reads(2)).as("still waiting").isEmpty();

    c.tickAll(1);
    assertThat(c.reads(2)).containsExactly(new ReadState.Abandoned(8, OptionalLong.of(1)));
    assertThat(c.node(1).role()).as("the leader never changed").isEqualTo(Role.LEADER);
  }

  @Test
  void aFollowerAbandonsItsReadsWhenItLearnsOfANewLeaderAndIgnoresTheOldOnesLateAnswer() {
    TestCluster c = TestCluster.ledBy1(3);
    c.isolate(1);
    c.node(2).requestRead(4); // the request to 1 is lost
    c.stabilize();
    c.outliveLeader(2, 3);
    c.campaign(3);
    assertThat(c.node(3).role()).isEqualTo(Role.LEADER);
    // It voted for 3 first, so it knew no leader for a moment: no hint.
    assertThat(c.reads(2)).containsExactly(new ReadState.Abandoned(4, OptionalLong.empty()));

    // An answer of the old term arrives late: the read is no longer waiting, and the term is stale.
    c.node(2).step(new ReadIndexResponse(1, 2, 1, 4, 1));
    c.processReady(2);
    assertThat(c.reads(2)).hasSize(1);
  }

  @Test
  void aFollowerAbandonsItsReadsWhenItsLeaderIsReElectedInANewTerm() {
    TestCluster c = TestCluster.ledBy1(3);
    c.isolate(1);
    c.node(2).requestRead(4); // the request to 1 is lost
    c.stabilize();
    // Node 1 loses its quorum and steps down (check-quorum), then wins term 2 with node 3's vote; node 2
    // never hears the campaign, so all it sees is its leader again, in a new term.
    for (int i = 0; i < 100 && c.node(1).role() == Role.LEADER; i++) c.node(1).tick();
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
    c.outliveLeader(3);
    c.dropWhen(m -> m.to() == 2 && m instanceof Message.RequestVote);
    c.campaign(1);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(2).term()).isEqualTo(c.node(1).term()).isEqualTo(2);
    assertThat(c.node(2).leader()).hasValue(1);

    // Its answer would carry term 2 and never match a read asked in term 1: retry at once, still at node 1.
    assertThat(c.reads(2)).containsExactly(new ReadState.Abandoned(4, OptionalLong.of(1)));
  }

  @Test
  void aLeaderThatHasNotCommittedInItsTermHoldsForwardedReadsToo() {
    TestCluster c = TestCluster.ledBy1(3);
    c.writeAt1(2);
    c.isolate(1);
    c.outliveLeader(2, 3);
    c.dropWhen(m -> m.from() == 1 || m.to() == 1 || (m.from() == 3 && m instanceof Message.AppendResponse));
    c.campaign(2);
    long noop = c.node(2).lastIndex();
    assertThat(c.node(2).commitIndex()).isLessThan(noop);

    c.node(3).requestRead(6);
    c.stabilize();
    c.tickAll(1);
    assertThat(c.reads(3)).as("the new leader's commit index may be stale").isEmpty();

    c.dropWhen(m -> m.from() == 1 || m.to() == 1);
    for (int i = 0; i < 10 && c.reads(3).isEmpty(); i++) c.tickAll(1);
    assertThat(c.reads(3)).containsExactly(new ReadState.Confirmed(6, noop));
  }

  // ---------------------------------------------------------------- lease reads (§6.4.1)

  private static TestCluster leased(int size) {
    TestCluster c = new TestCluster(size, cfg -> cfg.withLeaseReads(true)).start();
    c.outliveLeader(2, 3); // just started, they keep a lease they might have promised before (see the restart test)
    c.campaign(1);
    c.writeAt1(2);
    c.tickAll(1); // a heartbeat round that a quorum answers: the lease starts
    return c;
  }

  @Test
  void aLeaseReadIsConfirmedAtOnceWithoutAHeartbeatRound() {
    TestCluster c = leased(3);
    long commit = c.node(1).commitIndex();
    int delivered = c.delivered().size();

    assertThat(c.node(1).requestLeaseRead(3)).isInstanceOf(ReadResult.Pending.class);
    Ready ready = c.node(1).ready().orElseThrow();
    assertThat(ready.reads()).containsExactly(new ReadState.Confirmed(3, commit));
    assertThat(ready.sendNow()).as("no round").isEmpty();
    c.node(1).advance(ready);
    c.stabilize();
    assertThat(c.delivered()).hasSize(delivered);
  }

  @Test
  void onceTheLeaseLapsesALeaseReadTakesTheReadIndexPath() {
    TestCluster c = leased(3);
    int leaseTicks = RaftConfig.defaults(1, java.util.Set.of(1L)).leaseTicks();
    assertThat(leaseTicks).as("10 election ticks, a tick of drift margin, the first tick at once").isEqualTo(8);
    c.isolate(1);
    for (int i = 0; i < leaseTicks - 1; i++) c.node(1).tick();
    c.stabilize();
    c.node(1).requestLeaseRead(1);
    c.processReady(1);
    assertThat(c.reads(1)).as("the lease still holds").extracting(ReadState::readId).containsExactly(1L);

    c.node(1).tick(); // the lease has run out: nobody answered since
    c.stabilize();
    assertThat(c.node(1).role()).as("check-quorum has not fired yet").isEqualTo(Role.LEADER);
    c.node(1).requestLeaseRead(2);
    c.processReady(1);
    assertThat(c.reads(1)).as("waits for a quorum").extracting(ReadState::readId).containsExactly(1L);

    c.healAll();
    c.stabilize();
    assertThat(c.reads(1)).containsExactly(new ReadState.Confirmed(1, c.node(1).commitIndex()),
        new ReadState.Confirmed(2, c.node(1).commitIndex()));
  }

  @Test
  void noLeaseReadOnceATransferStartedInTheTermEvenAfterItIsAbandoned() {
    TestCluster c = leased(3);
    c.dropWhen(m -> m instanceof Message.TimeoutNow);
    assertThat(c.node(1).transferLeadership(2)).isInstanceOf(TransferResult.Started.class);
    c.stabilize();

    c.node(1).requestLeaseRead(1);
    c.processReady(1);
    assertThat(c.reads(1)).as("a transfer is in progress: a round is needed").isEmpty();
    c.stabilize();
    assertThat(c.reads(1)).extracting(ReadState::readId).containsExactly(1L);

    c.tickAll(10); // the transfer is abandoned; its TimeoutNow might still arrive
    assertThat(c.node(1).transferTarget()).isEmpty();
    c.node(1).requestLeaseRead(2);
    c.processReady(1);
    assertThat(c.reads(1)).extracting(ReadState::readId).containsExactly(1L);
  }

  @Test
  void aNewLeaderServesNoLeaseReadBeforeItCommitsAnEntryOfItsTerm() {
    TestCluster c = leased(3);
    c.isolate(1);
    c.outliveLeader(2, 3);
    c.dropWhen(m -> m.from() == 1 || m.to() == 1 || (m.from() == 3 && m instanceof Message.AppendResponse));
    c.campaign(2);
    c.tickAll(1); // heartbeats answered: the quorum part of a lease holds
    assertThat(c.node(2).commitIndex()).isLessThan(c.node(2).lastIndex());

    c.node(2).requestLeaseRead(1);
    c.stabilize();
    assertThat(c.reads(2)).isEmpty();
  }

  /**
   * A follower paused (GC, SIGSTOP, its ticker starved) while node 1's heartbeat waited for it. Once it
   * runs again it takes {@code overdueTicks} and the heartbeat in the order given, then node 1 is cut
   * off and node 3 campaigns for up to 100 of its ticks (node 2's clock stands still meanwhile).
   */
  private static TestCluster pausedFollowerThenCampaign(boolean overdueTicksFirst) {
    TestCluster c = leased(3);
    c.node(1).tick();
    c.processReady(1);
    Message heartbeat = c.intercept(m -> m.to() == 2 && m instanceof Heartbeat).get(0);
    c.stabilize();

    int overdueTicks = 4 * 10; // what the runtime hands out at most after a long pause
    if (overdueTicksFirst) {
      for (int i = 0; i < overdueTicks; i++) c.node(2).tick();
      c.node(2).step(heartbeat);
    } else {
      c.node(2).step(heartbeat);
      for (int i = 0; i < overdueTicks; i++) c.node(2).tick();
    }
    c.stabilize(); // node 2's answer reaches node 1, which counts it toward its lease

    c.isolate(1);
    for (int i = 0; i < 100 && c.node(3).role() != Role.LEADER; i++) {
      c.node(3).tick();
      c.stabilize();
    }
    return c;
  }

  /** Whether node 1 confirms a lease read at once, without a round: its lease holds. */
  private static boolean servesALeaseReadAtOnce(TestCluster c, long readId) {
    c.node(1).requestLeaseRead(readId);
    c.processReady(1);
    return c.reads(1).stream().anyMatch(r -> r.readId() == readId && r instanceof ReadState.Confirmed);
  }

  @Test
  void aPausedFollowerThatTakesItsOverdueTicksBeforeTheWaitingHeartbeatKeepsThePromiseTheLeaseCountsOn() {
    TestCluster c = pausedFollowerThenCampaign(true);

    assertThat(c.node(2).leader()).as("it answered the heartbeat after its ticks: in lease").hasValue(1);
    assertThat(c.node(3).role()).as("node 2 ignores the campaign while node 1's lease holds").isNotEqualTo(Role.LEADER);
    assertThat(servesALeaseReadAtOnce(c, 1)).isTrue();
  }

  /**
   * Why the runtime ticks before every input ({@code RaftInbox}): stepped ahead of its overdue ticks,
   * the heartbeat's answer extends node 1's lease, and the ticks then free node 2 to vote at once.
   */
  @Test
  void aHeartbeatSteppedBeforeTheOverdueTicksLendsTheLeaseAPromiseTheTicksBreak() {
    TestCluster c = pausedFollowerThenCampaign(false);

    assertThat(c.node(3).role()).as("node 2 voted for node 3").isEqualTo(Role.LEADER);
    assertThat(servesALeaseReadAtOnce(c, 1)).as("while node 1 still serves lease reads: a stale read").isTrue();
  }

  @Test
  void aStaleTermAnswerDoesNotCountTowardTheLeaseOfALeaderReElectedInThatTerm() {
    LeaderLease lease = new LeaderLease(1, 8);
    Quorum voters = new MajorityQuorum(java.util.Set.of(1L, 2L, 3L));

    // Node 2 answered a heartbeat of node 1's previous term with its own term (answerStale): sentAt 0.
    lease.answered(2, 0, 3);
    assertThat(lease.holds(3, voters)).as("no heartbeat of this term was answered").isFalse();

    lease.answered(2, 2, 3);
    assertThat(lease.holds(3, voters)).isTrue();
    assertThat(lease.holds(2 + 8, voters)).as("counted from the heartbeat's send").isFalse();
  }

  @Test
  void leaseReadsAreRefusedWithoutCheckQuorumOrWhenOffAndFollowersPointAtTheLeader() {
    TestCluster noCheckQuorum = new TestCluster(3, cfg -> cfg.withElection(10, 1, true, false).withLeaseReads(true)).start();
    noCheckQuorum.campaign(1);
    assertThat(noCheckQuorum.node(1).requestLeaseRead(1)).isInstanceOfSatisfying(ReadResult.Refused.class,
        r -> assertThat(r.reason()).contains("lease reads need check-quorum"));

    TestCluster off = TestCluster.ledBy1(3);
    assertThat(off.node(1).requestLeaseRead(1)).isInstanceOfSatisfying(ReadResult.Refused.class,
        r -> assertThat(r.reason()).contains("lease reads are off"));

    assertThat(leased(3).node(2).requestLeaseRead(1)).isEqualTo(new ReadResult.NotLeader(OptionalLong.of(1)));
  }

  @Test
  void aRestartedVoterKeepsTheLeasePromiseItForgotForAnElectionTimeout() {
    TestCluster c = leased(3);
    c.crash(3);
    c.restart(3);
    c.isolate(1);
    c.outliveLeader(2);
    c.campaign(2); // node 3 just started: it ignores the campaign as it would while hearing from 1
    assertThat(c.node(2).role()).isNotEqualTo(Role.LEADER);

    for (int i = 0; i < 10; i++) c.node(3).tick();
    c.outliveLeader(2);
    c.campaign(2);
    assertThat(c.node(2).role()).isEqualTo(Role.LEADER);
  }
}
