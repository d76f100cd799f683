package io.kuorum.client;

import static io.kuorum.client.InProcessCluster.FAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.kuorum.admin.proto.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KuorumClientTest {
  private final InProcessCluster cluster = new InProcessCluster(3);

  @AfterEach
  void tearDown() throws InterruptedException {
    cluster.close();
  }

  @Test
  void operationsReachTheLeaderAndReturnItsAnswers() {
    KuorumClient client = cluster.client(FAST);

    // the first write opens the client's session, at index 1
    assertThat(client.put("a/1", "one")).isEqualTo(2);
    assertThat(client.put("a/2", "two")).isEqualTo(3);
    assertThat(client.put("b/1", "other")).isEqualTo(4);
    assertThat(cluster.node(1).calls("OpenSession")).isEqualTo(1);

    assertThat(client.get("a/1")).contains(kv("a/1", "one", 2));
    assertThat(client.get("missing")).isEmpty();

    RangeResult firstOfA = client.range("a/", 1);
    assertThat(firstOfA.entries()).containsExactly(kv("a/1", "one", 2));
    assertThat(firstOfA.more()).isTrue();
    assertThat(client.range("a/", 0).entries()).extracting(KeyValue::keyUtf8)
        .containsExactly("a/1", "a/2");

    CasResult mismatch = client.compareAndSet("a/1", Optional.of("wrong"), "new");
    assertThat(mismatch.succeeded()).isFalse();
    assertThat(mismatch.previousValueUtf8()).contains("one");
    CasResult swapped = client.compareAndSet("a/1", Optional.of("one"), "uno");
    assertThat(swapped.succeeded()).isTrue();
    assertThat(client.get("a/1").map(KeyValue::valueUtf8)).contains("uno");
    assertThat(client.compareAndSet("fresh", Optional.empty(), "x").succeeded()).isTrue();
    assertThat(client.compareAndSet("fresh", Optional.empty(), "y").succeeded()).isFalse();

    assertThat(client.delete("a/2")).isTrue();
    assertThat(client.delete("a/2")).isFalse();
    assertThat(client.get("a/2")).isEmpty();
  }

  @Test
  void byteOperationsKeepArbitraryBytes() {
    KuorumClient client = cluster.client(FAST);
    byte[] key = {0, (byte) 0xff, 7};
    byte[] value = {(byte) 0xc3, 0x28};

    long revision = client.put(key, value);

    KeyValue read = client.get(key).orElseThrow();
    assertThat(read.key()).containsExactly(key);
    assertThat(read.value()).containsExactly(value);
    assertThat(read.revision()).isEqualTo(revision);
  }

  @Test
  void followsARedirectChainToTheLeaderAndRemembersIt() {
    cluster.node(1).otherwise(Reply.notLeader(2, cluster.node(2).address()));
    cluster.node(2).otherwise(Reply.notLeader(3, cluster.node(3).address()));
    KuorumClient client = cluster.client(FAST);

    assertThat(client.put("k", "v")).isEqualTo(2);
    assertThat(client.get("k").map(KeyValue::valueUtf8)).contains("v");

    assertThat(cluster.store().appliedWrites()).isEqualTo(1);
    assertThat(cluster.node(1).totalCalls()).isEqualTo(1);
    assertThat(cluster.node(2).totalCalls()).isEqualTo(1);
    // Later calls went straight to the leader found by the first (opening the session).
    assertThat(cluster.node(3).calls("OpenSession")).isEqualTo(1);
    assertThat(cluster.node(3).calls("Put")).isEqualTo(1);
    assertThat(cluster.node(3).calls("Get")).isEqualTo(1);
  }

  @Test
  void aReadServedByAFollowerDoesNotMakeTheClientTakeItForTheLeader() throws Exception {
    // n2 follows and serves reads (§6.4); it redirects everything else to the leader, n1.
    cluster.node(2).otherwise(Reply.notLeader(1, cluster.node(1).address()));
    CountDownLatch readArrived = new CountDownLatch(1);
    CountDownLatch readMayFinish = new CountDownLatch(1);
    cluster.node(2).script("Get", Reply.serveWhen(readArrived, readMayFinish));
    KuorumClient client =
        cluster.client(List.of(cluster.node(2).address(), cluster.node(1).address(), cluster.node(3).address()), FAST);
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<KeyValue>> read = reader.submit(() -> client.get("k"));
      assertThat(readArrived.await(10, TimeUnit.SECONDS)).isTrue();
      client.put("k", "v"); // redirected by n2: the client learns that n1 leads
      readMayFinish.countDown();
      assertThat(read.get(10, TimeUnit.SECONDS)).map(KeyValue::valueUtf8).contains("v");
    } finally {
      reader.shutdownNow();
    }
    int redirectsBefore = cluster.node(2).totalCalls();

    client.put("k", "w");
    assertThat(client.get("k").map(KeyValue::valueUtf8)).contains("w");

    assertThat(cluster.node(2).totalCalls()).as("no detour through the follower that served the read")
        .isEqualTo(redirectsBefore);
    assertThat(cluster.node(1).calls("Put")).isEqualTo(2);
    assertThat(cluster.node(1).calls("Get")).as("reads go where writes do: to the leader known").isEqualTo(1);
  }

  @Test
  void followsARedirectToALeaderOutsideTheEndpointList() {
    FakeNode leader = cluster.extraNode("n9");
    cluster.node(1).otherwise(Reply.notLeader(9, leader.address()));
    KuorumClient client = cluster.client(List.of(cluster.node(1).address()), FAST);

    client.put("k", "v");

    assertThat(leader.calls("Put")).isEqualTo(1);
    assertThat(cluster.store().appliedWrites()).isEqualTo(1);
  }

  @Test
  void waitsOutAnElectionThenFindsTheNewLeader() {
    for (int i = 1; i <= 3; i++) {
      cluster.node(i).script("Put", Reply.noLeader(), Reply.noLeader());
    }
    cluster.node(1).otherwise(Reply.notLeader(2, cluster.node(2).address()));
    cluster.node(3).otherwise(Reply.notLeader(2, cluster.node(2).address()));
    KuorumClient client = cluster.client(FAST);

    assertThat(client.put("k", "v")).isEqualTo(2);

    assertThat(cluster.store().appliedWrites()).isEqualTo(1);
    assertThat(cluster.node(2).calls("Put")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void retriesAWriteAbortedByALeaderChange() {
    cluster.node(1).script("Put", Reply.aborted(), Reply.aborted());
    KuorumClient client = cluster.client(FAST);

    assertThat(client.put("k", "v")).isEqualTo(2);

    assertThat(cluster.node(1).calls("Put")).isEqualTo(3);
    assertThat(cluster.store().appliedWrites()).isEqualTo(1);
  }

  @Test
  void aWriteWhoseAnswerWasLostIsRetriedInItsSessionAndAppliedOnce() {
    cluster.node(1).script("Put", Reply.serveThenFail(Status.UNAVAILABLE.withDescription("connection reset")));
    // the put's retry is answered by node 2, so the client sends its next write there
    cluster.node(2).script("CompareAndSet", Reply.serveThenFail(Status.UNAVAILABLE.withDescription("shutting down")));
    KuorumClient client = cluster.client(FAST);

    assertThat(client.put("k", "v")).isEqualTo(2); // the first attempt's answer, from the session
    // applying this compare-and-set again would fail: the retry gets the first attempt's success
    assertThat(client.compareAndSet("k", Optional.of("v"), "w").succeeded()).isTrue();

    assertThat(cluster.totalCalls("Put")).isEqualTo(2);
    assertThat(cluster.totalCalls("CompareAndSet")).isEqualTo(2);
    assertThat(cluster.store().appliedWrites()).isEqualTo(2);
    assertThat(client.get("k").map(KeyValue::valueUtf8)).contains("w");
  }

  @Test
  void aWriteOfAForgottenSessionIsSentAgainInANewSessionWhenNoAttemptCanHaveApplied() {
    KuorumClient client = cluster.client(FAST);
    client.put("a", "1");
    cluster.node(1).script("Put", Reply.sessionUnknown());

    assertThat(client.put("b", "2")).isEqualTo(4); // opened session 3, then applied at 4

    assertThat(cluster.node(1).calls("OpenSession")).isEqualTo(2);
    assertThat(cluster.store().appliedWrites()).isEqualTo(2);
  }

  @Test
  void aRetryThatFindsItsSessionForgottenIsOutcomeUnknown() {
    cluster.node(1).script("Put", Reply.serveThenFail(Status.UNAVAILABLE.withDescription("connection reset")));
    cluster.node(2).script("Put", Reply.sessionUnknown());
    cluster.node(3).script("Put", Reply.sessionUnknown());
    KuorumClient client = cluster.client(FAST);

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("may or may not have been applied")
        .hasMessageContaining("forgot session 1");
    assertThat(cluster.totalCalls("Put")).isEqualTo(2);
    assertThat(cluster.store().appliedWrites()).isEqualTo(1);
  }

  @Test
  void everyKindOfWriteEndsInOutcomeUnknownWhenTheOutcomeIsUnknown() {
    cluster.node(1).script("Delete", Reply.fail(Status.INTERNAL.withDescription("boom")));
    cluster.node(1).script("CompareAndSet", Reply.fail(Status.INTERNAL.withDescription("boom")));
    KuorumClient client = cluster.client(FAST);

    assertThatThrownBy(() -> client.delete("k")).isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> client.compareAndSet("k", Optional.empty(), "v"))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("INTERNAL: boom");

    assertThat(cluster.node(1).calls("Delete")).isEqualTo(1);
    assertThat(cluster.node(1).calls("CompareAndSet")).isEqualTo(1);
  }

  @Test
  void writeThatTimesOutAfterBeingSentIsOutcomeUnknown() {
    cluster.node(1).script("Put", Reply.hang());
    KuorumClient client = cluster.client(FAST.withDeadline(Duration.ofMillis(500)));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(OutcomeUnknownException.class)
        .satisfies(e ->
            assertThat(((KuorumException) e).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    assertThat(cluster.node(1).calls("Put")).isEqualTo(1);
  }

  @Test
  void writeToANodeThatIsDownIsSentToTheNextEndpoint() {
    KuorumClient client =
        cluster.client(List.of(cluster.down("ghost"), cluster.node(2).address()), FAST);

    assertThat(client.put("k", "v")).isEqualTo(2);

    assertThat(cluster.node(2).calls("Put")).isEqualTo(1);
  }

  @Test
  void readsAreRetriedOnTransientFailures() {
    cluster.client(FAST).put("k", "v");
    cluster.node(1).script("Get", Reply.shuttingDownOutcomeUnknown());
    cluster.node(2).script("Get", Reply.fail(Status.DEADLINE_EXCEEDED));
    cluster.node(3).otherwise(Reply.notLeader(1, cluster.node(1).address()));
    cluster.node(1).script("Range", Reply.aborted(), Reply.fail(Status.UNAVAILABLE));
    KuorumClient client = cluster.client(FAST);

    // n1 unavailable -> n2 timed out -> n3 redirects to n1 -> n1 serves.
    assertThat(client.get("k").map(KeyValue::valueUtf8)).contains("v");
    assertThat(cluster.node(1).calls("Get")).isEqualTo(2);
    assertThat(cluster.node(2).calls("Get")).isEqualTo(1);
    assertThat(cluster.node(3).calls("Get")).isEqualTo(1);

    // n1 aborted -> n1 again, unavailable -> n2 serves.
    assertThat(client.range("", 0).entries()).hasSize(1);
    assertThat(cluster.node(1).calls("Range")).isEqualTo(2);
    assertThat(cluster.node(2).calls("Range")).isEqualTo(1);
  }

  @Test
  void readThatHangsOnOneNodeIsTriedOnAnother() {
    cluster.node(1).script("Get", Reply.hang());
    KuorumClient client = cluster.client(FAST.withReadAttemptTimeout(Duration.ofMillis(100)));

    assertThat(client.get("k")).isEmpty();

    assertThat(cluster.node(1).calls("Get")).isEqualTo(1);
    assertThat(cluster.node(2).calls("Get")).isEqualTo(1);
  }

  @Test
  void noLeaderWithinTheDeadlineIsUnavailable() {
    for (int i = 1; i <= 3; i++) {
      cluster.node(i).otherwise(Reply.noLeader());
    }
    KuorumClient client = cluster.client(FAST.withDeadline(Duration.ofMillis(300)));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isExactlyInstanceOf(KuorumUnavailableException.class)
        .hasMessageStartingWith("no leader reachable at " + cluster.endpoints() + " within 300ms")
        .hasMessageContaining("is the cluster running? check `kuorumctl status`")
        .hasMessageContaining("no leader known");
    assertThatThrownBy(() -> client.get("k")).isInstanceOf(KuorumUnavailableException.class);

    assertThat(cluster.store().appliedWrites()).isZero();
    assertThat(cluster.node(1).calls("OpenSession")).isGreaterThan(1);
  }

  @Test
  void nodesNamingEachOtherForeverEndInUnavailable() {
    cluster.node(1).otherwise(Reply.notLeader(2, cluster.node(2).address()));
    cluster.node(2).otherwise(Reply.notLeader(1, cluster.node(1).address()));
    KuorumClient client =
        cluster.client(List.of(cluster.node(1).address()), FAST.withDeadline(Duration.ofMillis(300)));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(KuorumUnavailableException.class)
        .hasMessageContaining("not the leader");
  }

  @Test
  void clusterThatIsDownIsUnavailableWithinTheDeadline() {
    KuorumClient client =
        cluster.client(
            List.of(cluster.down("a"), cluster.down("b")), FAST.withDeadline(Duration.ofMillis(200)));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(KuorumUnavailableException.class)
        .hasMessageContaining("within 200ms")
        .hasMessageContaining("last error from")
        .satisfies(e -> assertThat(((KuorumException) e).code()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void overloadedLeaderIsAskedAgainAfterABackoff() {
    cluster.node(1).script("Put", Reply.overloaded(), Reply.overloaded());
    KuorumClient client = cluster.client(FAST);

    assertThat(client.put("k", "v")).isEqualTo(2);

    assertThat(cluster.node(1).calls("Put")).isEqualTo(3);
    assertThat(cluster.store().appliedWrites()).isEqualTo(1);
  }

  @Test
  void leaderOverloadedUntilTheDeadlineIsUnavailableWithAHint() {
    cluster.node(1).otherwise(Reply.overloaded());
    KuorumClient client = cluster.client(FAST.withDeadline(Duration.ofMillis(500)));

    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(KuorumUnavailableException.class)
        .hasMessageStartingWith("the leader stayed overloaded for 500ms: nothing was applied")
        .satisfies(e ->
            assertThat(((KuorumException) e).code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(cluster.store().appliedWrites()).isZero();
  }

  @Test
  void messageTooLargeIsRejectedWithoutRetry() {
    cluster.node(1).script("Put", Reply.fail(Status.RESOURCE_EXHAUSTED.withDescription(
        "gRPC message exceeds maximum size 2097152")));
    KuorumClient client = cluster.client(FAST);

    assertThatThrownBy(() -> client.put("k", "v"))
        .isExactlyInstanceOf(KuorumException.class)
        .hasMessageContaining("exceeds maximum size");
    assertThat(cluster.node(1).calls("Put")).isEqualTo(1);
  }

  @Test
  void invalidArgumentCarriesTheServersMessageAndIsNotRetried() {
    cluster.node(1).script("Put", Reply.invalidArgument("key must not be empty"));
    cluster.node(1).script("Range", Reply.invalidArgument("limit 20000 exceeds 10000"));
    KuorumClient client = cluster.client(FAST);

    assertThatThrownBy(() -> client.put("", "v"))
        .isExactlyInstanceOf(KuorumException.class)
        .hasMessage("key must not be empty")
        .satisfies(e ->
            assertThat(((KuorumException) e).code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> client.range("", 20000))
        .isExactlyInstanceOf(KuorumException.class)
        .hasMessage("limit 20000 exceeds 10000");

    assertThat(cluster.node(1).calls("Put")).isEqualTo(1);
    assertThat(cluster.node(1).calls("Range")).isEqualTo(1);
  }

  @Test
  void statusOfEveryEndpointIncludesTheUnreachableOnes() {
    cluster.node(1).status(StatusResponse.newBuilder()
        .setId(1).setRole("leader").setTerm(4).setLeaderId(1)
        .setLeaderClientAddress(cluster.node(1).address()).setCommitIndex(10).setAppliedIndex(9)
        .setLastIndex(11).setVersion("0.1.0")
        .addMembers(io.kuorum.admin.proto.Member.newBuilder().setId(1).setPeerAddress("p1")
            .setClientAddress(cluster.node(1).address()))
        .build());
    cluster.node(2).otherwise(Reply.fail(Status.INTERNAL.withDescription("disk on fire")));
    KuorumClient client = cluster.client(
        List.of(cluster.node(1).address(), cluster.node(2).address(), cluster.down("ghost")), FAST);

    List<NodeStatus> statuses = client.statusAll();

    assertThat(statuses).extracting(NodeStatus::endpoint)
        .containsExactly(cluster.node(1).address(), cluster.node(2).address(), cluster.down("ghost"));
    NodeStatus leader = statuses.get(0);
    assertThat(leader.isLeader()).isTrue();
    assertThat(leader.term()).isEqualTo(4);
    assertThat(leader.commitIndex()).isEqualTo(10);
    assertThat(leader.members()).containsExactly(
        ClusterMember.of(1, "p1", cluster.node(1).address(), MemberRole.UNKNOWN));
    assertThat(leader.error()).isEmpty();
    assertThat(statuses.get(1).error()).contains("INTERNAL: disk on fire");
    assertThat(statuses.get(2).reachable()).isFalse();
    assertThat(statuses.get(2).error().orElseThrow()).startsWith("UNAVAILABLE");
    assertThat(client.status(cluster.node(3).address()).reachable()).isTrue();
    assertThat(client.status("not an address").error().orElseThrow()).contains("bad endpoint");
  }

  @Test
  void concurrentOperationsShareTheLeaderDiscovery() throws Exception {
    cluster.node(1).otherwise(Reply.notLeader(3, cluster.node(3).address()));
    cluster.node(2).otherwise(Reply.notLeader(3, cluster.node(3).address()));
    KuorumClient client = cluster.client(FAST);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> puts = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String key = "k" + i;
        puts.add(pool.submit(() -> client.put(key, "v")));
      }
      for (Future<Long> put : puts) {
        assertThat(put.get()).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cluster.store().appliedWrites()).isEqualTo(200);
    assertThat(client.range("k", 0).entries()).hasSize(200);
  }

  @Test
  void closedClientRefusesOperations() {
    KuorumClient client = cluster.client(FAST);
    client.put("k", "v");

    client.close();

    assertThatThrownBy(() -> client.get("k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void rejectsBadEndpointsAndLimits() {
    assertThatThrownBy(() -> KuorumClient.connect(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no endpoints");
    assertThatThrownBy(() -> KuorumClient.connect(List.of("localhost")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected host:port");
    KuorumClient client = cluster.client(FAST);
    assertThatThrownBy(() -> client.range("", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static KeyValue kv(String key, String value, long revision) {
    return new KeyValue(
        key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), revision);
  }
}
