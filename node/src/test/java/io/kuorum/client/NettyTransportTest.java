package io.kuorum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client over real loopback sockets: Netty channels, trailers on the wire, refused ports. */
class NettyTransportTest {
  private static final ClientOptions FAST = InProcessCluster.FAST;

  private final FakeStore store = new FakeStore();
  private final FakeNode follower = FakeNode.loopback(store);
  private final FakeNode leader = FakeNode.loopback(store);

  @AfterEach
  void tearDown() throws InterruptedException {
    follower.close();
    leader.close();
  }

  @Test
  void writeToARefusedPortIsSentToTheNextEndpoint() {
    try (var client = KuorumClient.connect(List.of(LoopbackPorts.closed(), leader.address()), FAST)) {
      assertThat(client.put("k", "v")).isEqualTo(2);
    }
    assertThat(leader.calls("Put")).isEqualTo(1);
  }

  @Test
  void redirectTrailersTravelOverTheWire() {
    follower.otherwise(Reply.notLeader(2, leader.address()));
    try (var client = KuorumClient.connect(List.of(follower.address()), FAST)) {
      client.put("k", "v");
      assertThat(client.get("k").map(KeyValue::valueUtf8)).contains("v");
    }
    // the first call (opening the session) was redirected; the later ones went to the leader directly
    assertThat(follower.totalCalls()).isEqualTo(1);
    assertThat(leader.calls("OpenSession")).isEqualTo(1);
    assertThat(leader.calls("Put")).isEqualTo(1);
    assertThat(leader.calls("Get")).isEqualTo(1);
  }

  @Test
  void aWriteWhoseAnswerIsLostOnTheWireIsSentAgainAndAppliedOnce() {
    leader.script("Put", Reply.serveThenFail(io.grpc.Status.UNAVAILABLE.withDescription("shutting down")));
    follower.otherwise(Reply.notLeader(2, leader.address()));
    try (var client = KuorumClient.connect(List.of(leader.address(), follower.address()), FAST)) {
      assertThat(client.put("k", "v")).isEqualTo(2);
    }
    assertThat(leader.calls("Put")).isEqualTo(2); // the retry went to the follower, which sent it back here
    assertThat(store.appliedWrites()).isEqualTo(1);
  }

  @Test
  void clusterThatRefusesConnectionsIsUnavailable() {
    var endpoints = List.of(LoopbackPorts.closed(), LoopbackPorts.closed());
    try (var client = KuorumClient.connect(endpoints, FAST.withDeadline(Duration.ofMillis(300)))) {
      assertThatThrownBy(() -> client.put("k", "v"))
          .isInstanceOf(KuorumUnavailableException.class)
          .hasMessageContaining("no leader reachable at " + endpoints)
          .hasMessageContaining("Connection refused");
      assertThat(client.statusAll()).allSatisfy(s -> assertThat(s.reachable()).isFalse());
    }
  }
}
