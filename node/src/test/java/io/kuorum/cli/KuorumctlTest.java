package io.kuorum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.kuorum.admin.proto.Member;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.client.FakeNode;
import io.kuorum.client.FakeStore;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.client.Reply;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** kuorumctl end to end over loopback gRPC against fake nodes: node 1 follows, node 2 leads. */
class KuorumctlTest {
  private final FakeStore store = new FakeStore();
  private final FakeNode follower = FakeNode.loopback(store);
  private final FakeNode leader = FakeNode.loopback(store);
  private final String endpoints = follower.address() + "," + leader.address();

  KuorumctlTest() {
    follower.script("Status", Reply.serve()).otherwise(Reply.notLeader(2, leader.address()));
    follower.status(status(1, "follower", 2, leader.address()));
    leader.status(status(2, "leader", 2, leader.address()));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    follower.close();
    leader.close();
  }

  @Test
  void putThenGetPrintsRevisionAndValue() {
    Run put = Run.against(endpoints, "put", "greeting", "hello world");
    assertThat(put.exitCode()).isZero();
    assertThat(put.out()).isEqualTo("OK (revision 2)\n"); // index 1 opened kuorumctl's session
    assertThat(put.err()).isEmpty();

    Run get = Run.against(endpoints, "get", "greeting");
    assertThat(get.exitCode()).isZero();
    assertThat(get.out()).isEqualTo("hello world\n");
    assertThat(leader.calls("Put")).isEqualTo(1);
  }

  @Test
  void getOfAMissingKeyExitsWithOne() {
    Run get = Run.against(endpoints, "get", "nope");

    assertThat(get.exitCode()).isEqualTo(1);
    assertThat(get.out()).isEmpty();
    assertThat(get.errLines()).containsExactly("kuorumctl: key not found: nope");
  }

  @Test
  void jsonOutputOfPutAndGet() {
    Map<String, Object> put = StrictJson.object(Run.against(endpoints, "-o", "json", "put", "k", "say \"hi\"\n").out());
    assertThat(put).containsEntry("revision", 2L);

    // Global options are accepted after the subcommand too.
    Run get = Run.kuorumctl(Map.of(), "get", "k", "--output", "JSON", "--endpoints", endpoints);
    assertThat(StrictJson.object(get.out()))
        .containsEntry("key", "k")
        .containsEntry("value", "say \"hi\"\n")
        .containsEntry("revision", 2L);
  }

  @Test
  void statusAsJsonNamesTheLeaderAndEveryNode() {
    String down = LoopbackPorts.closed();
    Run run = Run.against(endpoints + "," + down, "status", "-o", "json");

    assertThat(run.exitCode()).isZero();
    Map<String, Object> json = StrictJson.object(run.out());
    assertThat(json.get("leader")).isEqualTo(Map.of("id", 2L, "address", leader.address()));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) json.get("nodes");
    assertThat(nodes).extracting(n -> n.get("endpoint"))
        .containsExactly(follower.address(), leader.address(), down);
    assertThat(nodes.get(0)).containsEntry("role", "follower").containsEntry("leaderId", 2L)
        .containsEntry("error", StrictJson.NULL).containsEntry("reachable", true);
    assertThat(nodes.get(1)).containsEntry("commitIndex", 12L).containsEntry("term", 5L);
    assertThat((List<?>) nodes.get(1).get("members")).hasSize(2);
    assertThat(nodes.get(2)).containsEntry("reachable", false);
    assertThat((String) nodes.get(2).get("error")).startsWith("UNAVAILABLE");
  }

  @Test
  void statusTableShowsEachNodeAndTheLeader() {
    Run run = Run.against(endpoints, "status");

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("ENDPOINT").contains("ROLE", "TERM", "LEADER", "COMMIT",
        "APPLIED", "LAST INDEX", "ERROR");
    assertThat(lines.get(1)).startsWith(follower.address()).contains("follower");
    assertThat(lines.get(2)).startsWith(leader.address()).contains("leader");
    assertThat(lines.get(3)).isEqualTo("leader: node 2 at " + leader.address());
  }

  @Test
  void statusWithNoNodeAnsweringExitsWithThree() {
    Run run = Run.against(LoopbackPorts.closed(), "status", "--timeout", "1s");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("leader: none known");
    assertThat(run.errLines()).singleElement().asString().contains("is the cluster running?");
  }

  @Test
  void unreachableClusterExitsWithThree() {
    Run run = Run.against(LoopbackPorts.closed(), "--timeout", "300ms", "put", "k", "v");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("kuorumctl: no leader reachable at [")
        .contains("within 300ms", "check `kuorumctl status`");
  }

  @Test
  void writeWithUnknownOutcomeExitsWithFour() {
    // applied, the answer lost, and the cluster forgot the session before the retry
    leader.script("Put", Reply.serveThenFail(Status.UNAVAILABLE.withDescription("shutting down")), Reply.sessionUnknown());

    Run run = Run.against(endpoints, "put", "k", "v");

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.errLines()).singleElement().asString()
        .contains("may or may not have been applied");
    assertThat(leader.calls("Put")).isEqualTo(2);
  }

  @Test
  void invalidInputRejectedByTheServerExitsWithTwoAndItsMessage() {
    leader.script("Put", Reply.invalidArgument("key must not be empty"));

    Run run = Run.against(endpoints, "put", "", "v");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("kuorumctl: invalid request: key must not be empty");
  }

  @Test
  void otherServerFailuresExitWithFive() {
    leader.script("Get", Reply.fail(Status.INTERNAL.withDescription("state machine broke")));

    Run run = Run.against(endpoints, "get", "k");

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.errLines()).singleElement().asString().contains("state machine broke");
  }

  @Test
  void usageErrorsExitWithTwoAndOneLine() {
    for (String[] args : List.of(
        new String[] {"get"},
        new String[] {"put", "k"},
        new String[] {"frobnicate"},
        new String[] {"--timeout", "soon", "get", "k"},
        new String[] {"--endpoints", "no-port", "get", "k"},
        new String[] {"-o", "yaml", "get", "k"},
        new String[] {"range", "--limit", "-1"},
        new String[] {"cas", "k", "only-one"},
        new String[] {"cas", "--absent", "k", "a", "b"},
        new String[] {})) {
      Run run = Run.kuorumctl(Map.of(), args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.errLines()).as(String.join(" ", args)).singleElement().asString()
          .startsWith("kuorumctl: ").contains("--help");
    }
  }

  @Test
  void compareAndSetReportsMismatchesWithExitCodeOne() {
    assertThat(Run.against(endpoints, "cas", "--absent", "k", "v1").out()).isEqualTo("OK (revision 2)\n");

    Run again = Run.against(endpoints, "cas", "--absent", "k", "v2");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.errLines()).containsExactly("kuorumctl: compare-and-set failed: k holds \"v1\"");

    Run wrong = Run.against(endpoints, "cas", "k", "nope", "v2");
    assertThat(wrong.exitCode()).isEqualTo(1);

    Run swapped = Run.against(endpoints, "-o", "json", "cas", "k", "v1", "v2");
    assertThat(swapped.exitCode()).isZero();
    assertThat(StrictJson.object(swapped.out()))
        .containsEntry("succeeded", true).containsEntry("previousValue", "v1");
    assertThat(Run.against(endpoints, "get", "k").out()).isEqualTo("v2\n");
  }

  @Test
  void deleteAndRange() {
    Run.against(endpoints, "put", "app/a", "1");
    Run.against(endpoints, "put", "app/b", "line\nbreak");
    Run.against(endpoints, "put", "other", "x");

    Run table = Run.against(endpoints, "range", "app/");
    assertThat(table.out().lines()).containsExactly(
        "KEY    VALUE        REVISION", "app/a  1            2", "app/b  line\\nbreak  4"); // each run opens a session

    Run limited = Run.against(endpoints, "range", "--limit", "1", "-o", "json");
    Map<String, Object> json = StrictJson.object(limited.out());
    assertThat(json).containsEntry("more", true);
    assertThat((List<?>) json.get("kvs")).hasSize(1);

    assertThat(Run.against(endpoints, "del", "app/a").exitCode()).isZero();
    Run missing = Run.against(endpoints, "del", "app/a");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.errLines()).containsExactly("kuorumctl: key not found: app/a");
  }

  @Test
  void endpointsComeFromTheEnvironmentWhenNotGiven() {
    Run run = Run.kuorumctl(Map.of(Kuorumctl.ENDPOINTS_ENV, endpoints), "put", "k", "v");

    assertThat(run.exitCode()).isZero();
    assertThat(leader.calls("Put")).isEqualTo(1);
  }

  @Test
  void defaultEndpointsAreTheLocalCluster() {
    var root = new Kuorumctl(Map.of());
    assertThat(root.endpoints())
        .containsExactly("127.0.0.1:7379", "127.0.0.1:7389", "127.0.0.1:7399");
  }

  private StatusResponse status(long id, String role, long leaderId, String leaderAddress) {
    return StatusResponse.newBuilder()
        .setId(id).setClusterId("c-1").setRole(role).setTerm(5).setLeaderId(leaderId)
        .setLeaderClientAddress(leaderAddress).setCommitIndex(12).setAppliedIndex(12)
        .setLastIndex(13).setVersion("test")
        .addMembers(Member.newBuilder().setId(1).setClientAddress(follower.address()))
        .addMembers(Member.newBuilder().setId(2).setClientAddress(leader.address()))
        .build();
  }

  @Test
  void benchPutSpreadsTheWritesOverTheKeySpaceAndReportsLatencyPercentiles() {
    Run run = Run.against(endpoints, "-o", "json", "bench", "put", "--clients", "4", "--total", "120", "--key-space", "10",
        "--val-size", "32");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, Object> json = StrictJson.object(run.out());
    assertThat(json).containsEntry("op", "put").containsEntry("clients", 4L).containsEntry("total", 120L)
        .containsEntry("keySpace", 10L).containsEntry("valSize", 32L);
    double p50 = ((Number) json.get("p50Ms")).doubleValue();
    double p99 = ((Number) json.get("p99Ms")).doubleValue();
    assertThat(p50).isPositive().isLessThanOrEqualTo(p99).isLessThanOrEqualTo(((Number) json.get("maxMs")).doubleValue());
    assertThat(((Number) json.get("perSecond")).doubleValue()).isPositive();
    assertThat(leader.calls("Put")).isEqualTo(120);
    assertThat(store.appliedWrites()).isEqualTo(120);
    Map<String, Object> last = StrictJson.object(Run.against(endpoints, "-o", "json", "get", "00000009").out());
    assertThat(last).containsEntry("value", "v".repeat(32));
    assertThat(Run.against(endpoints, "get", "00000010").exitCode()).as("only keys 0 to 9 are written").isEqualTo(1);
  }

  @Test
  void benchPutRefusesAKeySizeTooShortForItsKeySpace() {
    Run run = Run.against(endpoints, "bench", "put", "--total", "1000", "--key-size", "2");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--key-size 2 cannot number 1000 keys: use at least 3");
    assertThat(leader.calls("Put")).isZero();
  }

  @Test
  void getTakesAConsistencyAndRefusesAnUnknownOne() {
    Run.against(endpoints, "put", "greeting", "hello");
    Run serializable = Run.against(endpoints, "get", "greeting", "--consistency", "serializable");
    assertThat(serializable.exitCode()).as(serializable.err()).isZero();
    assertThat(serializable.out()).isEqualTo("hello\n");
    Run lease = Run.against(endpoints, "get", "greeting", "--consistency", "lease");
    assertThat(lease.exitCode()).as(lease.err()).isZero();
    assertThat(lease.out()).isEqualTo("hello\n");
    Run bogus = Run.against(endpoints, "range", "g", "--consistency", "eventual");
    assertThat(bogus.exitCode()).isEqualTo(2);
    assertThat(bogus.err()).contains("--consistency").contains("eventual");
  }

  @Test
  void benchGetReadsTheKeysBenchPutWroteAtTheAskedConsistency() {
    assertThat(Run.against(endpoints, "bench", "put", "--total", "10", "--key-space", "10").exitCode()).isZero();
    Run run = Run.against(endpoints, "-o", "json", "bench", "get", "--clients", "2", "--total", "30", "--key-space", "10",
        "--consistency", "serializable");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(StrictJson.object(run.out())).containsEntry("op", "get").containsEntry("consistency", "serializable")
        .containsEntry("total", 30L).containsEntry("keySpace", 10L);
    assertThat(leader.calls("Get")).as("every get answered once (the fake follower only redirects)").isEqualTo(30);
  }
  @Test
  void benchGetSendsEveryReadToTheLeaderItFindsFirstByDefault() {
    assertThat(Run.against(endpoints, "bench", "put", "--total", "10", "--key-space", "10").exitCode()).isZero();
    // The follower, the first endpoint, would serve the gets too: only finding the leader keeps them off it.
    follower.script("Get", serves(30));

    Run run = Run.against(endpoints, "-o", "json", "bench", "get", "--clients", "3", "--total", "30", "--key-space", "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(StrictJson.object(run.out())).containsEntry("target", "leader")
        .containsEntry("endpoints", List.of(leader.address())).containsEntry("total", 30L);
    assertThat(leader.calls("Get")).isEqualTo(30);
    assertThat(follower.calls("Get")).isZero();
  }

  @Test
  void benchGetWithTargetAllSpreadsTheCallersOverEveryEndpoint() {
    assertThat(Run.against(endpoints, "bench", "put", "--total", "10", "--key-space", "10").exitCode()).isZero();
    // Each endpoint's first get waits until the other's arrived: both are read from, whatever the scheduling.
    CountDownLatch atFollower = new CountDownLatch(1);
    CountDownLatch atLeader = new CountDownLatch(1);
    follower.script("Get", Reply.serveWhen(atFollower, atLeader)).script("Get", serves(40));
    leader.script("Get", Reply.serveWhen(atLeader, atFollower));

    Run run = Run.against(endpoints, "-o", "json", "bench", "get", "--clients", "2", "--total", "40", "--key-space", "10",
        "--target", "all");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(StrictJson.object(run.out())).containsEntry("target", "all")
        .containsEntry("endpoints", List.of(follower.address(), leader.address())).containsEntry("total", 40L);
    assertThat(follower.calls("Get")).isPositive();
    assertThat(leader.calls("Get")).isPositive();
    assertThat(follower.calls("Get") + leader.calls("Get")).as("each get answered once, where its caller sent it")
        .isEqualTo(40);
  }

  @Test
  void benchGetAtTheLeaderWithNoLeaderKnownExitsWithThree() {
    follower.status(status(1, "follower", 0, ""));
    leader.status(status(2, "follower", 0, ""));

    Run run = Run.against(endpoints, "bench", "get", "--total", "10");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("no leader known");
    assertThat(follower.calls("Get") + leader.calls("Get")).isZero();
  }

  @Test
  void benchMixedSplitsTheOperationsAsAskedAndReportsGetsAndPutsSeparately() {
    Run run = Run.against(endpoints, "-o", "json", "bench", "mixed", "--clients", "4", "--total", "400", "--key-space",
        "20", "--read-percent", "25", "--consistency", "serializable", "--val-size", "16");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, Object> json = StrictJson.object(run.out());
    assertThat(json).containsEntry("op", "mixed").containsEntry("readPercent", 25L)
        .containsEntry("consistency", "serializable").containsEntry("total", 400L).containsEntry("valSize", 16L);
    assertThat(((Number) json.get("perSecond")).doubleValue()).isPositive();
    @SuppressWarnings("unchecked")
    Map<String, Object> gets = (Map<String, Object>) json.get("get");
    @SuppressWarnings("unchecked")
    Map<String, Object> puts = (Map<String, Object>) json.get("put");
    long g = (Long) gets.get("total");
    long p = (Long) puts.get("total");
    assertThat(g + p).isEqualTo(400);
    // 100 gets expected; binomial standard deviation about 8.7, so 50..150 fails about once in 10^8 runs.
    assertThat(g).isBetween(50L, 150L);
    assertThat(leader.calls("Get")).isEqualTo((int) g);
    assertThat(leader.calls("Put")).isEqualTo((int) p);
    for (Map<String, Object> kind : List.of(gets, puts)) {
      assertThat(((Number) kind.get("p50Ms")).doubleValue()).isPositive()
          .isLessThanOrEqualTo(((Number) kind.get("p99Ms")).doubleValue());
      assertThat(((Number) kind.get("perSecond")).doubleValue()).isPositive();
    }

    Run text = Run.against(endpoints, "bench", "mixed", "--clients", "2", "--total", "50", "--read-percent", "100");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).startsWith("mixed (100% linearizable gets): 50 in ").contains("\n  get: 50 = ")
        .contains("\n  put: 0 = ");
  }

  @Test
  void benchWithADurationStopsOnceItHasElapsed() {
    Run run = Run.against(endpoints, "-o", "json", "bench", "put", "--clients", "2", "--duration", "300ms",
        "--key-space", "50");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, Object> json = StrictJson.object(run.out());
    long total = (Long) json.get("total");
    assertThat(total).isPositive();
    assertThat(json).containsEntry("durationSeconds", 0.3).containsEntry("keySpace", 50L);
    assertThat(((Number) json.get("seconds")).doubleValue()).isGreaterThanOrEqualTo(0.3);
    assertThat(leader.calls("Put")).isEqualTo((int) total);
  }

  @Test
  void benchRefusesTotalWithDuration() {
    Run run = Run.against(endpoints, "bench", "get", "--total", "10", "--duration", "1s");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--total and --duration are mutually exclusive");
    assertThat(leader.totalCalls() + follower.totalCalls()).isZero();
  }

  @Test
  void benchConnsMustBeBetweenOneAndTheClients() {
    for (String conns : List.of("0", "5", "-1")) {
      Run run = Run.against(endpoints, "bench", "put", "--clients", "4", "--conns", conns, "--total", "10");
      assertThat(run.exitCode()).as(conns).isEqualTo(2);
      assertThat(run.err()).contains("--conns must be between 1 and --clients (4), not " + conns);
    }
    assertThat(leader.calls("Put")).isZero();

    Run ok = Run.against(endpoints, "-o", "json", "bench", "put", "--clients", "4", "--conns", "4", "--total", "20",
        "--target", "all");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(StrictJson.object(ok.out())).containsEntry("conns", 4L).containsEntry("target", "all")
        .containsEntry("endpoints", List.of(follower.address(), leader.address()));
    assertThat(leader.calls("Put")).as("puts at the follower are redirected to the leader").isEqualTo(20);
  }

  @Test
  void benchRefusesBadSizesAndPercentages() {
    String[][] cases = {
      {"put", "--val-size", "-1", "--val-size must be between 0 and 1048576, not -1"},
      {"put", "--val-size", "2000000", "--val-size must be between 0 and 1048576, not 2000000"},
      {"get", "--key-size", "0", "--key-size must be between 1 and 4096, not 0"},
      {"mixed", "--read-percent", "101", "--read-percent must be between 0 and 100, not 101"},
      {"get", "--duration", "0s", "'0s' is not a positive duration"},
      {"get", "--clients", "0", "--clients must be at least 1, not 0"},
    };
    for (String[] c : cases) {
      Run run = Run.against(endpoints, "bench", c[0], c[1], c[2]);
      assertThat(run.exitCode()).as(String.join(" ", c)).isEqualTo(2);
      assertThat(run.err()).contains(c[3]);
    }
    assertThat(leader.totalCalls() + follower.totalCalls()).isZero();
  }

  private static Reply[] serves(int n) {
    Reply[] replies = new Reply[n];
    Arrays.fill(replies, Reply.serve());
    return replies;
  }
}
