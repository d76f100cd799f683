package io.kuorum.client;

import static io.kuorum.client.InProcessCluster.FAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Membership changes and leadership transfer: voters 1, 2, 3 on nodes 1-3; node 3 leads. */
class KuorumClientMembershipTest {
  private final InProcessCluster cluster = new InProcessCluster(3);
  private final FakeMembership membership = new FakeMembership();

  KuorumClientMembershipTest() {
    for (int i = 1; i <= 3; i++) {
      membership.voter(i, "10.0.0." + i + ":7380", cluster.node(i).address());
      cluster.node(i).member(i, membership);
    }
    membership.leader(3);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    cluster.close();
  }

  @Test
  void addLearnerFollowsTheRedirectToTheLeader() {
    KuorumClient client = cluster.client(FAST);

    MembershipResult result = client.addLearner(4, "10.0.0.4:7380", "");

    assertThat(result.changed()).isTrue();
    assertThat(result.index()).isEqualTo(101);
    assertThat(result.duration()).isEqualTo(Duration.ofMillis(FakeMembership.CHANGE_MILLIS));
    assertThat(result.voters()).containsExactly(1L, 2L, 3L);
    assertThat(result.learners()).containsExactly(4L);
    // An empty client address leaves the default to the server.
    assertThat(result.members()).contains(
        ClusterMember.of(4, "10.0.0.4:7380", "10.0.0.4:7379", MemberRole.LEARNER));
    assertThat(cluster.node(1).calls("AddLearner")).isEqualTo(1);
    assertThat(cluster.node(3).calls("AddLearner")).isEqualTo(1);
    assertThat(cluster.node(2).totalCalls()).isZero();
  }

  @Test
  void everyMembershipCallFollowsTheRedirectToTheLeader() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379").learner(5, "p5:7380", "c5:7379");
    // The transfer last: it moves the leader away from node 3.
    List<Map.Entry<String, Consumer<KuorumClient>>> calls = List.of(
        Map.entry("AddLearner", c -> c.addLearner(6, "10.0.0.6:7380", "10.0.0.6:7379")),
        Map.entry("RemoveLearner", c -> c.removeLearner(5)),
        Map.entry("ChangeVoters", c -> c.changeVoters(Set.of(1L, 2L, 3L, 4L))),
        Map.entry("TransferLeadership", c -> c.transferLeadership(0)));

    for (var call : calls) {
      // A new client each time, so that none starts out knowing the leader.
      call.getValue().accept(cluster.client(FAST));
      assertThat(cluster.node(1).calls(call.getKey())).as(call.getKey()).isEqualTo(1);
      assertThat(cluster.node(3).calls(call.getKey())).as(call.getKey()).isEqualTo(1);
    }

    assertThat(membership.changes()).isEqualTo(3);
    assertThat(membership.voters()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(membership.learners()).containsExactly(6L);
    assertThat(membership.leaderId()).isEqualTo(1);
  }

  @Test
  void transferLeadershipReportsTheNewLeaderAndLaterCallsFollowIt() {
    KuorumClient client = cluster.client(List.of(cluster.node(3).address()), FAST);

    TransferResult result = client.transferLeadership(2);

    assertThat(result.leaderId()).isEqualTo(2);
    assertThat(result.message()).isEqualTo("leadership moved from node 3 to node 2");
    assertThat(result.duration()).isEqualTo(Duration.ofMillis(FakeMembership.TRANSFER_MILLIS));
    // The old leader, the only endpoint given, now redirects to the new one.
    assertThat(client.addLearner(4, "10.0.0.4:7380", "").changed()).isTrue();
    assertThat(cluster.node(3).calls("AddLearner")).isEqualTo(1);
    assertThat(cluster.node(2).calls("AddLearner")).isEqualTo(1);
  }

  @Test
  void repeatingAChangeThatHoldsAnswersUnchanged() {
    KuorumClient client = cluster.client(FAST);
    client.addLearner(4, "10.0.0.4:7380", "");

    MembershipResult again = client.addLearner(4, "10.0.0.4:7380", "");
    MembershipResult sameVoters = client.changeVoters(Set.of(3L, 1L, 2L));
    MembershipResult notThere = client.removeLearner(9);
    TransferResult toSelf = client.transferLeadership(3);

    assertThat(again.changed()).isFalse();
    assertThat(again.index()).isZero();
    assertThat(again.message()).isEqualTo("node 4 already is a learner");
    assertThat(sameVoters.changed()).isFalse();
    assertThat(sameVoters.message()).isEqualTo("the voters already are [1, 2, 3]");
    assertThat(sameVoters.voters()).containsExactly(1L, 2L, 3L);
    assertThat(notThere.changed()).isFalse();
    assertThat(toSelf.leaderId()).isEqualTo(3);
    assertThat(toSelf.message()).isEqualTo("node 3 already leads");
    assertThat(membership.changes()).isEqualTo(1);
  }

  @Test
  void aRefusalCarriesTheLeadersReasonAndIsNotRetried() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379").lagging(4, 500);
    KuorumClient client = cluster.client(List.of(cluster.node(3).address()), FAST);

    assertThatThrownBy(() -> client.changeVoters(Set.of(1L, 2L, 3L, 4L)))
        .isExactlyInstanceOf(KuorumException.class)
        .hasMessage("learner 4 is not caught up (500 entries behind)")
        .satisfies(e -> assertThat(((KuorumException) e).code())
            .isEqualTo(Status.Code.FAILED_PRECONDITION));

    membership.jointChange(Set.of(1L, 2L));
    assertThatThrownBy(() -> client.addLearner(5, "10.0.0.5:7380", ""))
        .isExactlyInstanceOf(KuorumException.class)
        .hasMessage("another membership change is in flight; wait for it to complete");
    assertThatThrownBy(() -> client.transferLeadership(4))
        .isExactlyInstanceOf(KuorumException.class)
        .hasMessage("node 4 is not a voter");

    assertThat(cluster.node(3).calls("ChangeVoters")).isEqualTo(1);
    assertThat(cluster.node(3).calls("AddLearner")).isEqualTo(1);
    assertThat(membership.changes()).isZero();
  }

  @Test
  void aChangeThatTimesOutAfterBeingSentHasAnUnknownOutcomeAndIsNotRetried() {
    cluster.node(3).script("ChangeVoters", Reply.hang());
    KuorumClient client = cluster.client(
        List.of(cluster.node(3).address()), FAST.withMembershipDeadline(Duration.ofMillis(300)));

    assertThatThrownBy(() -> client.changeVoters(Set.of(1L, 2L)))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("may or may not have taken effect")
        .hasMessageContaining("kuorumctl members list")
        .satisfies(e ->
            assertThat(((KuorumException) e).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    assertThat(cluster.node(3).calls("ChangeVoters")).isEqualTo(1);
  }

  @Test
  void aChangeTheLeaderCouldNotConfirmInTimeHasAnUnknownOutcome() {
    cluster.node(3).script("TransferLeadership",
        Reply.fail(Status.DEADLINE_EXCEEDED.withDescription("no new leader within 10s")));
    KuorumClient client = cluster.client(FAST);

    assertThatThrownBy(() -> client.transferLeadership(0))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("no new leader within 10s");

    assertThat(cluster.node(3).calls("TransferLeadership")).isEqualTo(1);
  }

  @Test
  void membershipChangesGetTheirOwnLongerDeadline() {
    cluster.node(3).script("AddLearner", Reply.hang());
    cluster.node(3).script("Put", Reply.hang());
    ClientOptions options = FAST.withDeadline(Duration.ofMillis(50))
        .withMembershipDeadline(Duration.ofMillis(400));
    KuorumClient client = cluster.client(List.of(cluster.node(3).address()), options);

    long started = System.nanoTime();
    assertThatThrownBy(() -> client.addLearner(4, "10.0.0.4:7380", ""))
        .isInstanceOf(OutcomeUnknownException.class);
    Duration waited = Duration.ofNanos(System.nanoTime() - started);

    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(390));
    assertThatThrownBy(() -> client.put("k", "v")).isInstanceOf(OutcomeUnknownException.class);
    assertThat(ClientOptions.defaults().membershipDeadline()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.deadlineFor(OpKind.MEMBERSHIP)).isEqualTo(Duration.ofMillis(400));
    assertThat(options.deadlineFor(OpKind.SESSION_WRITE)).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void noLeaderWithinTheMembershipDeadlineIsUnavailable() {
    for (int i = 1; i <= 3; i++) {
      cluster.node(i).otherwise(Reply.noLeader());
    }
    KuorumClient client =
        cluster.client(FAST.withMembershipDeadline(Duration.ofMillis(200)));

    assertThatThrownBy(() -> client.removeLearner(4))
        .isExactlyInstanceOf(KuorumUnavailableException.class)
        .hasMessageContaining("within 200ms");
    assertThat(membership.changes()).isZero();
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() {
    KuorumClient client = cluster.client(FAST);

    assertThatThrownBy(() -> client.addLearner(0, "10.0.0.4:7380", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a member id must be positive, was 0");
    assertThatThrownBy(() -> client.addLearner(4, "10.0.0.4", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad peer address '10.0.0.4': expected host:port, e.g. 10.0.0.4:7380");
    assertThatThrownBy(() -> client.addLearner(4, "10.0.0.4:7380", "host:99999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad client address 'host:99999'");
    assertThatThrownBy(() -> client.removeLearner(-4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.changeVoters(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the voter set must not be empty");
    assertThatThrownBy(() -> client.changeVoters(Set.of(1L, 0L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a member id must be positive, was 0");
    assertThatThrownBy(() -> client.transferLeadership(-1))
        .isInstanceOf(IllegalArgumentException.class);

    for (int i = 1; i <= 3; i++) {
      assertThat(cluster.node(i).totalCalls()).isZero();
    }
  }

  @Test
  void statusShowsRolesProgressAndChangesInFlight() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379").lagging(4, 40).lagging(1, 2);
    KuorumClient client = cluster.client(FAST);
    client.addLearner(5, "10.0.0.5:7380", "10.0.0.5:7379");
    membership.jointChange(Set.of(1L, 2L, 3L, 5L)).transferInProgress(2);

    List<NodeStatus> statuses = client.statusAll();

    NodeStatus leader = statuses.get(2);
    assertThat(leader.isLeader()).isTrue();
    assertThat(leader.joint()).isTrue();
    assertThat(leader.transferringTo()).isEqualTo(OptionalLong.of(2));
    assertThat(leader.members()).extracting(ClusterMember::id, ClusterMember::role)
        .containsExactly(
            tuple(1L, MemberRole.VOTER),
            tuple(2L, MemberRole.VOTER),
            tuple(3L, MemberRole.VOTER),
            tuple(4L, MemberRole.LEARNER),
            tuple(5L, MemberRole.VOTER));
    ClusterMember one = leader.members().get(0);
    assertThat(one.matchIndex()).isEqualTo(OptionalLong.of(99));
    assertThat(one.lag()).isEqualTo(OptionalLong.of(2));
    assertThat(one.caughtUp()).contains(true);
    assertThat(one.catchUpTime()).isEmpty();
    ClusterMember self = leader.members().get(2);
    assertThat(self.matchIndex()).isEmpty();
    assertThat(self.lag()).isEmpty();
    assertThat(self.caughtUp()).isEmpty();
    ClusterMember lagging = leader.members().get(3);
    assertThat(lagging.lag()).isEqualTo(OptionalLong.of(40));
    assertThat(lagging.caughtUp()).contains(false);
    assertThat(leader.members().get(4).catchUpTime())
        .contains(Duration.ofMillis(FakeMembership.CATCH_UP_MILLIS));

    NodeStatus follower = statuses.get(0);
    assertThat(follower.joint()).isTrue();
    assertThat(follower.transferringTo()).isEmpty();
    assertThat(follower.members()).allSatisfy(m -> {
      assertThat(m.matchIndex()).isEmpty();
      assertThat(m.caughtUp()).isEmpty();
    });
  }

  @Test
  void membershipResultListsVotersAndLearnersInOrder() {
    var result = new MembershipResult(true, "done", 7, List.of(
        ClusterMember.of(9, "p9:1", "c9:1", MemberRole.LEARNER),
        ClusterMember.of(3, "p3:1", "c3:1", MemberRole.VOTER),
        ClusterMember.of(1, "p1:1", "c1:1", MemberRole.VOTER),
        ClusterMember.of(2, "p2:1", "c2:1", MemberRole.OUTGOING_VOTER),
        ClusterMember.of(5, "p5:1", "c5:1", MemberRole.UNKNOWN)), Duration.ZERO);

    assertThat(result.voters()).containsExactly(1L, 3L);
    assertThat(result.learners()).containsExactly(9L);
    assertThatThrownBy(() -> new ClusterMember(1, "p", "c", MemberRole.VOTER,
        OptionalLong.empty(), OptionalLong.empty(), null, Optional.empty()))
        .isInstanceOf(NullPointerException.class);
  }
}
