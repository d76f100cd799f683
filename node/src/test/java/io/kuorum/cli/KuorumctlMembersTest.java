package io.kuorum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.kuorum.client.FakeMembership;
import io.kuorum.client.FakeNode;
import io.kuorum.client.FakeStore;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.client.Reply;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kuorumctl members and transfer-leader over loopback gRPC against fake nodes 1-3, all voters;
 * node 2 leads. The endpoints list node 1 first, so every change starts with a redirect.
 */
class KuorumctlMembersTest {
  private final FakeStore store = new FakeStore();
  private final FakeMembership membership = new FakeMembership();
  private final List<FakeNode> nodes =
      List.of(FakeNode.loopback(store), FakeNode.loopback(store), FakeNode.loopback(store));
  private final String endpoints = String.join(",", nodes.stream().map(FakeNode::address).toList());

  KuorumctlMembersTest() {
    for (int id = 1; id <= 3; id++) {
      membership.voter(id, "10.0.0." + id + ":7380", node(id).address());
      node(id).member(id, membership);
    }
    membership.leader(2);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (FakeNode node : nodes) {
      node.close();
    }
  }

  @Test
  void listShowsRolesAndTheLeadersViewOfProgress() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379").lagging(4, 40).lagging(1, 2);
    assertThat(Run.against(endpoints, "members", "add-learner", "5", "10.0.0.5:7380").exitCode())
        .isZero();

    Run run = Run.against(endpoints, "members", "list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(8);
    String header = lines.get(0);
    assertThat(cells(header)).containsExactly(
        "ID", "ROLE", "PEER", "CLIENT", "MATCH", "LAG", "CAUGHT-UP");
    // The leader's last index is 101 after adding learner 5.
    assertThat(cells(lines.get(1))).containsExactly(
        "1", "voter", "10.0.0.1:7380", node(1).address(), "99", "2", "yes");
    // The leader reports no progress of its own: blank cells.
    assertThat(cells(lines.get(2))).containsExactly(
        "2", "voter", "10.0.0.2:7380", node(2).address());
    assertThat(cells(lines.get(4))).containsExactly(
        "4", "learner", "10.0.0.4:7380", "10.0.0.4:7379", "61", "40", "no");
    assertThat(cells(lines.get(5))).containsExactly(
        "5", "learner", "10.0.0.5:7380", "10.0.0.5:7379", "101", "0", "yes", "(120", "ms)");
    assertThat(lines.get(4).indexOf("learner")).isEqualTo(header.indexOf("ROLE"));
    assertThat(lines.get(4).lastIndexOf("no")).isEqualTo(header.indexOf("CAUGHT-UP"));
    assertThat(lines.get(6)).isEqualTo("leader: node 2 at " + node(2).address());
    assertThat(lines.get(7)).isEqualTo("joint change in progress: no");
  }

  @Test
  void listAsJsonHasNullWhereProgressIsUnknown() {
    Run before = Run.against(endpoints, "-o", "json", "members", "list");
    Run after = Run.against(endpoints, "members", "list", "-o", "json");

    assertThat(before.exitCode()).isZero();
    assertThat(after.out()).isEqualTo(before.out());
    Map<String, Object> json = StrictJson.object(after.out());
    assertThat(json.get("leader")).isEqualTo(Map.of("id", 2L, "address", node(2).address()));
    assertThat(json).containsEntry("source", node(2).address())
        .containsEntry("joint", false)
        .containsEntry("transferringTo", StrictJson.NULL);
    List<Map<String, Object>> members = list(json.get("members"));
    assertThat(members).extracting(m -> m.get("id")).containsExactly(1L, 2L, 3L);
    assertThat(members.get(0))
        .containsEntry("role", "voter")
        .containsEntry("peerAddress", "10.0.0.1:7380")
        .containsEntry("clientAddress", node(1).address())
        .containsEntry("matchIndex", 100L)
        .containsEntry("lag", 0L)
        .containsEntry("caughtUp", true)
        .containsEntry("catchUpMillis", StrictJson.NULL);
    assertThat(members.get(1))
        .containsEntry("matchIndex", StrictJson.NULL)
        .containsEntry("lag", StrictJson.NULL)
        .containsEntry("caughtUp", StrictJson.NULL);
  }

  @Test
  void listShowsAJointChangeAndATransferInProgress() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379")
        .jointChange(Set.of(1L, 2L, 4L))
        .transferInProgress(1);

    Run run = Run.against(endpoints, "members", "ls");

    List<String> lines = run.out().lines().toList();
    assertThat(cells(lines.get(3))).startsWith("3", "outgoing");
    assertThat(cells(lines.get(4))).startsWith("4", "voter");
    assertThat(lines).endsWith(
        "joint change in progress: yes (outgoing voters count until the new voter set is"
            + " committed)",
        "leadership transfer in progress: to node 1");
    Map<String, Object> json =
        StrictJson.object(Run.against(endpoints, "members", "list", "-o", "json").out());
    assertThat(json).containsEntry("joint", true).containsEntry("transferringTo", 1L);
    assertThat(list(json.get("members")).get(2)).containsEntry("role", "outgoing");
  }

  @Test
  void listWithoutTheLeaderShowsAFollowersViewAndSaysSo() throws InterruptedException {
    node(2).close();

    Run run = Run.against(endpoints, "members", "list", "--timeout", "1s");

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(cells(lines.get(1))).containsExactly(
        "1", "voter", "10.0.0.1:7380", node(1).address());
    assertThat(run.errLines()).containsExactly(
        "kuorumctl: the leader did not answer; members as node 1 at " + node(1).address()
            + " knows them, without replication progress");
  }

  @Test
  void listWithNoNodeAnsweringExitsWithThree() {
    Run run = Run.against(LoopbackPorts.closed(), "members", "list", "--timeout", "1s");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).singleElement().asString().contains("is the cluster running?");
  }

  @Test
  void addLearnerGoesToTheLeaderAndSaysWhatHappened() {
    Run added = Run.against(endpoints, "members", "add-learner", "4", "10.0.0.4:7380");
    Run again = Run.against(endpoints, "members", "add-learner", "4", "10.0.0.4:7380");
    Run json = Run.against(endpoints, "-o", "json", "members", "add-learner", "5",
        "10.0.0.5:7380", "--client-address", "10.0.0.5:7000");

    assertThat(added.exitCode()).isZero();
    assertThat(added.err()).isEmpty();
    assertThat(added.out()).isEqualTo("learner 4 added at index 101 in 812 ms\n");
    assertThat(again.out()).isEqualTo("no change: node 4 already is a learner\n");
    assertThat(again.exitCode()).isZero();
    Map<String, Object> result = StrictJson.object(json.out());
    assertThat(result)
        .containsEntry("changed", true)
        .containsEntry("index", 102L)
        .containsEntry("durationMillis", 812L)
        .containsEntry("voters", List.of(1L, 2L, 3L))
        .containsEntry("learners", List.of(4L, 5L));
    assertThat(list(result.get("members")).get(4))
        .containsEntry("id", 5L)
        .containsEntry("role", "learner")
        .containsEntry("clientAddress", "10.0.0.5:7000");
    assertThat(node(1).calls("AddLearner")).isEqualTo(3);
    assertThat(node(2).calls("AddLearner")).isEqualTo(3);
    assertThat(membership.learners()).containsExactly(4L, 5L);
  }

  @Test
  void changeVotersAcceptsCommasAndSpacesAndIsIdempotent() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379");

    Run changed = Run.against(endpoints, "members", "change-voters", "1,2,4");
    Run again = Run.against(endpoints, "members", "change-voters", "1", "2", "4");
    Run json = Run.against(endpoints, "members", "change-voters", "4,", "2", "1", "-o", "json");

    assertThat(changed.exitCode()).isZero();
    assertThat(changed.out()).isEqualTo("voters changed to [1, 2, 4] at index 102 in 812 ms\n");
    assertThat(again.out()).isEqualTo("no change: the voters already are [1, 2, 4]\n");
    assertThat(StrictJson.object(json.out()))
        .containsEntry("changed", false)
        .containsEntry("index", 0L)
        .containsEntry("message", "the voters already are [1, 2, 4]")
        .containsEntry("voters", List.of(1L, 2L, 4L))
        .containsEntry("learners", List.of());
    assertThat(membership.voters()).containsExactly(1L, 2L, 4L);
    assertThat(membership.changes()).isEqualTo(1);
  }

  @Test
  void removeLearner() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379")
        .learner(5, "10.0.0.5:7380", "10.0.0.5:7379");

    Run removed = Run.against(endpoints, "members", "remove-learner", "4");
    Run again = Run.against(endpoints, "members", "remove-learner", "4");
    Run json = Run.against(endpoints, "members", "remove-learner", "5", "-o", "json");

    assertThat(removed.exitCode()).isZero();
    assertThat(removed.out()).isEqualTo("learner 4 removed at index 101 in 812 ms\n");
    assertThat(again.out()).isEqualTo("no change: node 4 is not a member\n");
    assertThat(StrictJson.object(json.out()))
        .containsEntry("changed", true)
        .containsEntry("index", 102L)
        .containsEntry("learners", List.of());
    assertThat(membership.learners()).isEmpty();
  }

  @Test
  void transferLeaderPicksAVoterOrTakesTheOneGiven() {
    Run auto = Run.against(endpoints, "transfer-leader");
    Run json = Run.against(endpoints, "-o", "json", "transfer-leader", "3");

    assertThat(auto.exitCode()).isZero();
    assertThat(auto.out())
        .isEqualTo("leadership moved from node 2 to node 1 (after 412 ms)\n");
    assertThat(StrictJson.object(json.out()))
        .containsEntry("leaderId", 3L)
        .containsEntry("message", "leadership moved from node 1 to node 3")
        .containsEntry("durationMillis", 412L);
    assertThat(membership.leaderId()).isEqualTo(3);
    // The second transfer started at node 1, the leader then, and went nowhere else.
    assertThat(node(1).calls("TransferLeadership")).isEqualTo(2);
    assertThat(node(2).calls("TransferLeadership")).isEqualTo(1);
    assertThat(node(3).calls("TransferLeadership")).isZero();
  }

  @Test
  void refusalsExitWithFiveAndTheLeadersReason() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379").lagging(4, 500);

    Run notCaughtUp = Run.against(endpoints, "members", "change-voters", "1,2,3,4");
    Run notAVoter = Run.against(endpoints, "transfer-leader", "4");
    membership.jointChange(Set.of(1L, 2L));
    Run inFlight = Run.against(endpoints, "members", "add-learner", "5", "10.0.0.5:7380");

    assertThat(notCaughtUp.exitCode()).isEqualTo(5);
    assertThat(notCaughtUp.out()).isEmpty();
    assertThat(notCaughtUp.errLines())
        .containsExactly("kuorumctl: refused: learner 4 is not caught up (500 entries behind)");
    assertThat(notAVoter.exitCode()).isEqualTo(5);
    assertThat(notAVoter.errLines()).containsExactly("kuorumctl: refused: node 4 is not a voter");
    assertThat(inFlight.exitCode()).isEqualTo(5);
    assertThat(inFlight.errLines()).containsExactly(
        "kuorumctl: refused: another membership change is in flight; wait for it to complete");
    assertThat(node(2).calls("ChangeVoters")).isEqualTo(1);
    assertThat(membership.changes()).isZero();
  }

  @Test
  void aChangeWithAnUnknownOutcomeExitsWithFour() {
    node(2).script("ChangeVoters", Reply.fail(
        Status.DEADLINE_EXCEEDED.withDescription("proposed at index 101, not committed in 10s")));
    node(2).script("TransferLeadership", Reply.hang());

    Run changeVoters = Run.against(endpoints, "members", "change-voters", "1,2");
    Run transfer = Run.against(endpoints, "--timeout", "300ms", "transfer-leader", "3");

    assertThat(changeVoters.exitCode()).isEqualTo(4);
    assertThat(changeVoters.errLines()).singleElement().asString()
        .contains("may or may not have taken effect", "not committed in 10s",
            "kuorumctl members list");
    assertThat(transfer.exitCode()).isEqualTo(4);
    assertThat(node(2).calls("ChangeVoters")).isEqualTo(1);
    assertThat(node(2).calls("TransferLeadership")).isEqualTo(1);
  }

  @Test
  void noLeaderReachableExitsWithThree() {
    Run run = Run.against(LoopbackPorts.closed(), "--timeout", "300ms",
        "members", "add-learner", "4", "10.0.0.4:7380");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("kuorumctl: no leader reachable at [");
  }

  @Test
  void badArgumentsAreUsageErrorsAndSendNothing() {
    Map<List<String>, String> cases = Map.ofEntries(
        Map.entry(List.of("members"), "missing command: list, add-learner"),
        Map.entry(List.of("members", "frob"), "frob"),
        Map.entry(List.of("members", "add-learner", "4"), "PEER_ADDRESS"),
        Map.entry(List.of("members", "add-learner", "0", "10.0.0.4:7380"),
            "'0' is not a member id: expected a positive integer"),
        Map.entry(List.of("members", "add-learner", "four", "10.0.0.4:7380"),
            "'four' is not a member id"),
        Map.entry(List.of("members", "add-learner", "4", "10.0.0.4"),
            "bad peer address '10.0.0.4': expected host:port, e.g. 10.0.0.4:7380"),
        Map.entry(List.of("members", "add-learner", "4", "10.0.0.4:7380",
            "--client-address", "10.0.0.4:0"), "bad client address '10.0.0.4:0'"),
        Map.entry(List.of("members", "change-voters"), "ID[,ID...]"),
        Map.entry(List.of("members", "change-voters", "1,x"), "'x' is not a member id"),
        Map.entry(List.of("members", "change-voters", "1,2,2"), "member id 2 is given twice"),
        Map.entry(List.of("members", "change-voters", ","), "give at least one member id"),
        Map.entry(List.of("members", "remove-learner", "1.5"), "'1.5' is not a member id"),
        Map.entry(List.of("transfer-leader", "0"), "'0' is not a member id"),
        Map.entry(List.of("transfer-leader", "me"), "'me' is not a member id"),
        Map.entry(List.of("transfer-leader", "1", "2"), "2"));

    cases.forEach((args, expected) -> {
      Run run = Run.against(endpoints, args.toArray(String[]::new));
      String what = String.join(" ", args);
      assertThat(run.exitCode()).as(what).isEqualTo(2);
      assertThat(run.out()).as(what).isEmpty();
      assertThat(run.errLines()).as(what).singleElement().asString()
          .startsWith("kuorumctl: ").contains(expected).contains("--help");
    });
    assertThat(nodes).allSatisfy(node -> assertThat(node.totalCalls()).isZero());
  }

  @Test
  void statusAsJsonCarriesRolesProgressAndTheJointFlag() {
    membership.learner(4, "10.0.0.4:7380", "10.0.0.4:7379").lagging(4, 7);

    Map<String, Object> json =
        StrictJson.object(Run.against(endpoints, "status", "-o", "json").out());

    List<Map<String, Object>> statuses = list(json.get("nodes"));
    Map<String, Object> leader = statuses.get(1);
    assertThat(leader).containsEntry("role", "leader").containsEntry("joint", false)
        .containsEntry("transferringTo", StrictJson.NULL);
    assertThat(list(leader.get("members")).get(3))
        .containsEntry("role", "learner").containsEntry("lag", 7L).containsEntry("caughtUp", true);
    assertThat(list(statuses.get(0).get("members")).get(3)).containsEntry("lag", StrictJson.NULL);
  }

  private FakeNode node(int id) {
    return nodes.get(id - 1);
  }

  private static List<String> cells(String line) {
    return List.of(line.trim().split("\\s+"));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object json) {
    return (List<Map<String, Object>>) json;
  }
}
