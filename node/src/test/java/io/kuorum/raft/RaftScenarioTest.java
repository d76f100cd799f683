package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.RequestVote;
import io.kuorum.raft.Message.VoteResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Raft paper's rules and figures, played step by step on a hand-driven cluster. */
class RaftScenarioTest {

  @Test
  void aCampaignElectsOneLeaderWhoCommitsANoopOfItsTerm() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);

    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    for (long id = 1; id <= 3; id++) {
      assertThat(c.node(id).term()).isEqualTo(1);
      assertThat(c.node(id).leader()).hasValue(1);
      assertThat(c.node(id).commitIndex()).as("node %d commit", id).isEqualTo(1);
      assertThat(c.applied(id)).containsExactly(Entry.noop(1, 1));
    }
  }

  @Test
  void proposalsReplicateAndApplyInOrderEverywhere() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    for (int i = 0; i < 5; i++) c.node(1).propose(("cmd" + i).getBytes());
    c.stabilize();
    for (long id = 1; id <= 3; id++) {
      assertThat(c.applied(id)).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(new String(c.applied(id).get(5).data())).isEqualTo("cmd4");
    }
  }

  @Test
  void followersNeitherVoteNorAcknowledgeBeforeTheirStateIsDurable() {
    TestCluster c = TestCluster.of(3).start();
    RaftCore follower = c.node(2);
    follower.step(new RequestVote(1, 2, 1, 0, 0, false, false));
    Ready r = follower.ready().orElseThrow();
    assertThat(r.hardState()).contains(new HardState(1, 1, 0));
    assertThat(r.sendNow()).isEmpty();
    assertThat(r.sendAfterPersist()).containsExactly(new VoteResponse(2, 1, 1, true, false));
    follower.advance(r);

    follower.step(new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.noop(1, 1)), 0));
    r = follower.ready().orElseThrow();
    assertThat(r.entries()).containsExactly(Entry.noop(1, 1));
    assertThat(r.sendNow()).isEmpty();
    assertThat(r.sendAfterPersist()).containsExactly(new AppendResponse(2, 1, 1, true, 1, 0, 0));
  }

  @Test
  void aLeaderReplicatesInParallelWithItsWriteButCountsItselfOnlyOnceDurable() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    c.crash(2);
    c.crash(3);
    RaftCore leader = c.node(1);
    leader.propose("x".getBytes());
    Ready r = leader.ready().orElseThrow();
    assertThat(r.entries()).extracting(Entry::index).containsExactly(2L);
    assertThat(r.sendNow()).hasSize(2).allMatch(m -> m instanceof AppendEntries); // §10.2.1
    // Two followers acknowledge before the leader's own fsync: a majority without the leader.
    leader.step(new AppendResponse(2, 1, 1, true, 2, 0, 0));
    leader.step(new AppendResponse(3, 1, 1, true, 2, 0, 0));
    assertThat(leader.commitIndex()).isEqualTo(2);

    // Alone in a single-node cluster, the leader commits only after advance() confirms durability.
    TestCluster solo = TestCluster.of(1).start();
    solo.campaign(1);
    RaftCore only = solo.node(1);
    only.propose("y".getBytes());
    Ready pending = only.ready().orElseThrow();
    assertThat(only.commitIndex()).isEqualTo(1);
    only.advance(pending);
    assertThat(only.commitIndex()).isEqualTo(2);
  }

  /**
   * Figure 7: a new leader of term 8 meets followers (a)–(f) with missing and extraneous entries; it
   * wins without (c) and (d), whose logs are more up-to-date, and brings every log to its own.
   */
  @Test
  void figure7LeaderRepairsEveryFollowerLog() {
    TestCluster c = TestCluster.of(7)
        .withStored(1, 7, 0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6)     // leader
        .withStored(2, 7, 0, 1, 1, 1, 4, 4, 5, 5, 6, 6)        // (a)
        .withStored(3, 7, 0, 1, 1, 1, 4)                       // (b)
        .withStored(4, 7, 0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6)  // (c)
        .withStored(5, 7, 0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7) // (d)
        .withStored(6, 7, 0, 1, 1, 1, 4, 4, 4, 4)              // (e)
        .withStored(7, 7, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3)  // (f)
        .start();
    c.campaign(1);

    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).term()).isEqualTo(8);
    List<Long> expected = List.of(1L, 1L, 1L, 4L, 4L, 5L, 5L, 6L, 6L, 6L, 8L);
    for (long id = 1; id <= 7; id++) {
      assertThat(c.terms(id)).as("log of node %d", id).isEqualTo(expected);
      assertThat(c.node(id).commitIndex()).isEqualTo(11);
    }
    // Fast backtracking: follower (f) needs about one rejection per conflicting term, not per entry.
    long rejectionsFromF = c.delivered().stream()
        .filter(m -> m instanceof AppendResponse r && r.from() == 7 && !r.success()).count();
    assertThat(rejectionsFromF).isLessThanOrEqualTo(3);
  }

  /**
   * Figure 8: S1 leads term 4 and copies its term-2 entry at index 2 to a majority. Counting replicas
   * must not commit it (§5.4.2): S5, with a term-3 entry there, can still be elected and overwrite it.
   */
  @Test
  void figure8PreviousTermEntriesAreNotCommittedByCounting() {
    TestCluster c = figure8(Set.of());
    assertThat(c.node(1).commitIndex()).as("S1 must not commit 2@2 by counting").isEqualTo(0);
    electS5AfterS1Crashes(c);
    assertThat(c.terms(2)).as("S2 adopts S5's log").startsWith(1L, 3L);
  }

  @Test
  void figure8HazardIsRealWhenTheRuleIsBroken() {
    TestCluster c = figure8(Set.of(Mutation.COMMIT_PREVIOUS_TERM_BY_COUNTING));
    assertThat(c.node(1).commitIndex()).as("the broken leader commits 2@2").isEqualTo(2);
    Entry committed = c.node(1).log().get(1);
    electS5AfterS1Crashes(c);
    assertThat(c.node(2).log().get(1)).as("the committed entry was overwritten").isNotEqualTo(committed);
  }

  private static TestCluster figure8(Set<Mutation> mutations) {
    // The paper's plain Raft (no pre-vote, no check-quorum), one entry per message.
    TestCluster c = new TestCluster(5, cfg -> cfg.withElection(10, 1, false, false).withBatching(1, 1 << 20, 8)
        .withMutations(mutations))
        .withStored(1, 3, 0, 1, 2)
        .withStored(2, 3, 0, 1)
        .withStored(3, 3, 0, 1)
        .withStored(4, 3, 0, 1)
        .withStored(5, 3, 0, 1, 3)
        .start();
    // S1 is cut from S4 and S5; it brings S2 and S3 up to 2@2, but its own term-4 entry never
    // reaches a follower that holds index 2 (S1 crashes first).
    c.dropWhen(m -> m.from() == 1 && (m.to() == 4 || m.to() == 5)
        || m.to() == 1 && (m.from() == 4 || m.from() == 5)
        || m instanceof AppendEntries ae && ae.entries().stream().anyMatch(e -> e.term() == 4)
            && c.node(ae.to()).lastIndex() >= 2);
    c.campaign(1);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).term()).isEqualTo(4);
    assertThat(c.terms(2)).as("S2 received 2@2").containsExactly(1L, 2L);
    assertThat(c.terms(3)).as("S3 received 2@2: with S1, a majority holds it").containsExactly(1L, 2L);
    return c;
  }

  private static void electS5AfterS1Crashes(TestCluster c) {
    c.crash(1);
    c.healAll();
    c.outliveLeader(2, 3, 4);
    for (int i = 0; i < 5 && c.node(5).role() != Role.LEADER; i++) c.campaign(5);
    assertThat(c.node(5).role()).isEqualTo(Role.LEADER);
  }

  @Test
  void electionRestrictionKeepsAStaleNodeFromLeading() {
    TestCluster c = TestCluster.of(3).withStored(1, 2, 0, 1, 2).withStored(2, 2, 0, 1, 2).withStored(3, 2, 0, 1).start();
    c.campaign(3);
    assertThat(c.node(3).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.node(3).term()).as("a failed pre-vote leaves the term alone").isEqualTo(2);
    c.campaign(1);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.terms(3)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void preVoteKeepsAPartitionedNodeFromDisruptingTheLeaderWhenItReturns() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    c.isolate(3);
    c.tickAll(100);
    assertThat(c.node(3).term()).as("pre-vote: an isolated node does not inflate its term").isEqualTo(1);
    c.healAll();
    c.tickAll(30);
    assertThat(c.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(c.node(1).term()).isEqualTo(1);
  }

  @Test
  void withoutPreVoteAReturningNodeDisruptsTheLeader() {
    TestCluster c = new TestCluster(3, cfg -> cfg.withElection(10, 1, false, false)).start();
    c.campaign(1);
    c.isolate(3);
    c.tickAll(100);
    assertThat(c.node(3).term()).isGreaterThan(1);
    c.healAll();
    c.tickAll(30);
    assertThat(c.node(1).term()).as("the returning node's higher term deposed leader 1").isGreaterThan(1);
  }

  @Test
  void checkQuorumMakesAnIsolatedLeaderStepDown() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    c.isolate(1);
    c.tickAll(25);
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.node(1).propose("x".getBytes())).isInstanceOf(ProposeResult.NotLeader.class);

    TestCluster noCheck = new TestCluster(3, cfg -> cfg.withElection(10, 1, true, false)).start();
    noCheck.campaign(1);
    noCheck.isolate(1);
    noCheck.tickAll(25);
    assertThat(noCheck.node(1).role()).as("without check-quorum it keeps believing").isEqualTo(Role.LEADER);
  }

  @Test
  void aDeposedLeaderLearnsTheNewTermAndLosesItsUncommittedEntries() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    c.isolate(1);
    c.node(1).propose("lost".getBytes());
    c.stabilize();
    c.tickAll(40); // 2 and 3 stop hearing from 1 and elect one of them
    long newLeader = c.node(2).role() == Role.LEADER ? 2 : 3;
    assertThat(c.node(newLeader).role()).isEqualTo(Role.LEADER);
    c.node(newLeader).propose("kept".getBytes());
    c.stabilize();
    c.healAll();
    c.tickAll(3);
    assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(c.node(1).term()).isEqualTo(c.node(newLeader).term());
    assertThat(c.node(1).log()).isEqualTo(c.node(newLeader).log());
    assertThat(c.applied(1)).noneMatch(e -> new String(e.data()).equals("lost"));
  }

  @Test
  void aDelayedDuplicateAppendNeverShortensTheLog() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    RaftCore follower = c.node(2);
    AppendEntries early = new AppendEntries(1, 2, 1, 1, 1, List.of(Entry.command(2, 1, "a".getBytes())), 1);
    follower.step(early);
    follower.step(new AppendEntries(1, 2, 1, 2, 1, List.of(Entry.command(3, 1, "b".getBytes())), 1));
    follower.step(early); // duplicated and reordered by the network
    assertThat(follower.lastIndex()).isEqualTo(3);
  }

  @Test
  void aRestartedNodeRecoversTermVoteAndLogFromStorage() {
    TestCluster c = TestCluster.of(3).start();
    c.campaign(1);
    c.node(1).propose("x".getBytes());
    c.stabilize();
    c.crash(2);
    c.restart(2);
    assertThat(c.node(2).term()).isEqualTo(1);
    assertThat(c.node(2).hardState().votedFor()).isEqualTo(1);
    assertThat(c.node(2).lastIndex()).isEqualTo(2);
    c.stabilize();
    assertThat(c.applied(2)).extracting(Entry::index).containsExactly(1L, 2L);
  }
}
