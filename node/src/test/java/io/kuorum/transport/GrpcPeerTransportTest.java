package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuorum.client.LoopbackPorts;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.AppendEntries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real transports and servers on 127.0.0.1 ephemeral ports. */
@Timeout(120) // a guard against hangs, not a timing assertion
class GrpcPeerTransportTest {
  private static final String CLUSTER = "kuorum-test";
  private static final TransportLimits LIMITS = TransportLimits.DEFAULT;
  /** Fast reconnects so the tests do not wait for the production backoff. */
  private static final TransportTimings FAST = new TransportTimings(Duration.ofMillis(10), Duration.ofMillis(200),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5));

  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeAfter) c.close();
  }

  @Test
  void twoNodesExchangeEveryKindOfMessageBothWays() {
    LoopbackPeer server1 = peer(1, CLUSTER);
    LoopbackPeer server2 = peer(2, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, server2.address()), LIMITS);
    GrpcPeerTransport node2 = transport(2, CLUSTER, Map.of(1L, server1.address()), LIMITS);

    Samples.allKinds(1, 2).forEach(node1::send);
    Samples.allKinds(2, 1).forEach(node2::send);

    await().untilAsserted(() -> assertThat(server2.received()).containsExactlyElementsOf(Samples.allKinds(1, 2)));
    await().untilAsserted(() -> assertThat(server1.received()).containsExactlyElementsOf(Samples.allKinds(2, 1)));
    assertThat(node1.stats(2)).contains(new PeerStats(Samples.allKinds(1, 2).size(), 0, 0));
    assertThat(node2.stats(1)).contains(new PeerStats(Samples.allKinds(2, 1).size(), 0, 0));
  }

  @Test
  void keepsOrderAcrossManyMessages() {
    LoopbackPeer server2 = peer(2, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, server2.address()), LIMITS);
    List<Message> sent = LongStream.rangeClosed(1, 3000).mapToObj(i -> (Message) Samples.heartbeat(1, 2, i)).toList();

    sent.forEach(node1::send);

    await().untilAsserted(() -> assertThat(server2.inbox).hasSize(sent.size()));
    assertThat(server2.received()).containsExactlyElementsOf(sent);
  }

  @Test
  void aPeerOfAnotherClusterRefusesTheStream() {
    LoopbackPeer foreign = peer(2, "other-cluster");
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, foreign.address()), LIMITS);

    // Keep sending: each refused stream is reopened after a backoff and refused again.
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 2, 1));
      assertThat(foreign.service.refusedStreams()).isGreaterThanOrEqualTo(2);
    });
    assertThat(foreign.inbox).isEmpty();
    assertThat(node1.reconnects()).isPositive();
  }

  @Test
  void sendingToAnUnreachablePeerDropsAndNeverBlocks() throws IOException {
    int deadPort = LoopbackPorts.free();
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, "127.0.0.1:" + deadPort), LIMITS);
    int n = 100_000;

    for (int i = 0; i < n; i++) node1.send(Samples.heartbeat(1, 2, i));

    // The loop returned, so sending never blocked. Everything beyond the queue bound is dropped at once and
    // the rest when the connect attempt fails; that attempt may already be draining the queue while the
    // loop runs, so only the final count is exact (an immediate lower bound here was a race: CI caught it).
    await().untilAsserted(() -> assertThat(node1.stats(2).orElseThrow().dropped()).isEqualTo(n));
    assertThat(node1.stats(2).orElseThrow().sent()).isZero();
  }

  @Test
  void reconnectsWhenThePeerComesBackOnTheSamePort() {
    LoopbackPeer first = peer(2, CLUSTER);
    int port = first.port();
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, first.address()), LIMITS);
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 2, 1));
      assertThat(first.inbox).isNotEmpty();
    });

    first.close();
    long droppedBefore = node1.stats(2).orElseThrow().dropped();
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 2, 2));
      assertThat(node1.stats(2).orElseThrow().dropped()).isGreaterThan(droppedBefore);
    });

    LoopbackPeer restarted = LoopbackPeer.start(2, CLUSTER, port, LIMITS, FAST);
    closeAfter.add(restarted);
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 2, 3));
      assertThat(restarted.inbox).contains(Samples.heartbeat(1, 2, 3));
    });
    assertThat(node1.stats(2).orElseThrow().reconnects()).isPositive();
    assertThat(restarted.inbox).doesNotContain(Samples.heartbeat(1, 2, 1));
  }

  @Test
  void aMessageAboveTheSizeLimitIsDroppedAndTheStreamSurvives() {
    var small = new TransportLimits(100, 1 << 20, 1024);
    LoopbackPeer server2 = peer(2, CLUSTER, small);
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, server2.address()), small);
    var tooLarge = new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.command(1, 1, new byte[2000])), 0);

    node1.send(tooLarge);
    node1.send(Samples.heartbeat(1, 2, 5));

    await().untilAsserted(() -> assertThat(server2.received()).containsExactly(Samples.heartbeat(1, 2, 5)));
    assertThat(node1.stats(2)).contains(new PeerStats(1, 1, 0));
  }

  @Test
  void aMessageForAnUnknownNodeIsDroppedAndCounted() {
    LoopbackPeer server2 = peer(2, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, server2.address()), LIMITS);

    node1.send(Samples.heartbeat(1, 9, 1));

    assertThat(node1.droppedForUnknownPeer()).isEqualTo(1);
    assertThat(node1.stats(9)).isEmpty();
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> new GrpcPeerTransport(0, CLUSTER, "h:1", Map.of(), LIMITS)).hasMessageContaining("selfId");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, " ", "h:1", Map.of(), LIMITS)).hasMessageContaining("clusterId");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, "h:1", Map.of(2L, ""), LIMITS)).hasMessageContaining("peer 2 has no address");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, "h:1", Map.of(-2L, "h:1"), LIMITS)).hasMessageContaining("peer id must be positive");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, null, Map.of(), LIMITS)).hasMessageContaining("selfAddress is required");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, "", Map.of(), LIMITS)).hasMessageContaining("selfAddress '' is empty");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, "node-1", Map.of(), LIMITS))
        .hasMessageContaining("selfAddress 'node-1' must look like HOST:PORT");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, "node-1:0", Map.of(), LIMITS))
        .hasMessageContaining("selfAddress 'node-1:0' has port 0, outside 1..65535");
  }

  @Test
  void refusesToSendOnBehalfOfAnotherNode() {
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(), LIMITS);

    assertThatThrownBy(() -> node1.send(Samples.heartbeat(3, 2, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 1 cannot send a message from 3");
  }

  @Test
  void updatePeersAddsAndRemovesLinks() {
    LoopbackPeer server2 = peer(2, CLUSTER);
    LoopbackPeer server3 = peer(3, CLUSTER);
    // The map may name the node itself; that entry is ignored.
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(1L, "127.0.0.1:1", 2L, server2.address()), LIMITS);

    node1.updatePeers(Map.of(3L, server3.address()));
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 3, 1));
      assertThat(server3.inbox).isNotEmpty();
    });
    node1.send(Samples.heartbeat(1, 2, 1));

    assertThat(node1.stats().keySet()).containsExactly(3L);
    assertThat(node1.droppedForUnknownPeer()).isEqualTo(1);
  }

  @Test
  void everyMessageCarriesTheSendersAddressAndTheReceiverHearsItOnce() {
    LoopbackPeer server2 = peer(2, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, "node-1.peers.test:7380", Map.of(2L, server2.address()), LIMITS);

    List<Message> sent = LongStream.rangeClosed(1, 500).mapToObj(i -> (Message) Samples.heartbeat(1, 2, i)).toList();
    sent.forEach(node1::send);

    await().untilAsserted(() -> assertThat(server2.inbox).hasSize(sent.size()));
    assertThat(server2.heard).containsExactly(new LoopbackPeer.Heard(1, "node-1.peers.test:7380"));
  }

  @Test
  void aNodeThatLearnsTheSendersAddressCanAnswerIt() {
    LoopbackPeer server1 = peer(1, CLUSTER);
    LoopbackPeer server2 = peer(2, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, server1.address(), Map.of(2L, server2.address()), LIMITS);
    // Node 2 knows no peers: node 1 joined after it, or node 2 is waiting to join node 1's cluster.
    GrpcPeerTransport node2 = transport(2, CLUSTER, server2.address(), Map.of(), LIMITS);
    server2.onHeard(node2::learn);
    var reply = new Message.HeartbeatResponse(2, 1, 1, 0);
    node2.send(reply);
    assertThat(node2.droppedForUnknownPeer()).isEqualTo(1);

    node1.send(Samples.heartbeat(1, 2, 7));
    await().untilAsserted(() -> assertThat(server2.received()).containsExactly(Samples.heartbeat(1, 2, 7)));
    // The listener ran before the inbox got the heartbeat, so the answer already has a link.
    node2.send(reply);

    await().untilAsserted(() -> assertThat(server1.received()).containsExactly(reply));
    assertThat(node2.peerAddress(1)).contains(server1.address());
    assertThat(node2.droppedForUnknownPeer()).isEqualTo(1);
  }

  @Test
  void learnNeverOverridesAConfiguredAddress() {
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, "127.0.0.1:7002"), LIMITS);

    assertThat(node1.learn(2, "10.0.0.2:7380")).isFalse();
    assertThat(node1.learn(1, "10.0.0.1:7380")).isFalse(); // itself

    assertThat(node1.peerAddress(2)).contains("127.0.0.1:7002");
    assertThat(node1.peerAddress(1)).isEmpty();
  }

  @Test
  void aLearnedLinkOutlivesPeerMapsWithoutItsMemberAndYieldsToOneWithIt() {
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, "127.0.0.1:7002"), LIMITS);

    assertThat(node1.learn(3, "127.0.0.1:7003")).isTrue();
    assertThat(node1.learn(3, "127.0.0.1:7003")).isFalse(); // nothing new
    node1.updatePeers(Map.of(2L, "127.0.0.1:7002", 4L, "127.0.0.1:7004"));
    assertThat(node1.peerAddress(3)).contains("127.0.0.1:7003");

    node1.updatePeers(Map.of(3L, "127.0.0.1:7333"));
    assertThat(node1.peerAddress(3)).contains("127.0.0.1:7333");
    assertThat(node1.learn(3, "127.0.0.1:7003")).isFalse(); // configured now
    assertThat(node1.stats().keySet()).containsExactly(3L);

    node1.updatePeers(Map.of());
    assertThat(node1.stats()).isEmpty();
  }

  @Test
  void aLearnedLinkFollowsItsMemberToANewAddress() {
    LoopbackPeer moved = peer(3, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(), LIMITS);

    assertThat(node1.learn(3, "127.0.0.1:7003")).isTrue();
    assertThat(node1.learn(3, moved.address())).isTrue();
    node1.send(Samples.heartbeat(1, 3, 1));

    await().untilAsserted(() -> assertThat(moved.received()).containsExactly(Samples.heartbeat(1, 3, 1)));
    assertThat(node1.peerAddress(3)).contains(moved.address());
  }

  @Test
  void learnRejectsBadInputAndStopsAtItsBound() {
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(), LIMITS);

    assertThatThrownBy(() -> node1.learn(0, "h:1")).hasMessageContaining("member id must be positive, got 0");
    assertThatThrownBy(() -> node1.learn(2, "h:x")).hasMessageContaining("address 'h:x' of member 2 must end in a port number");
    assertThatThrownBy(() -> node1.learn(2, null)).hasMessageContaining("address of member 2 is missing");
    for (long id = 2; id < 2 + GrpcPeerTransport.MAX_LEARNED_LINKS; id++) {
      assertThat(node1.learn(id, "127.0.0.1:" + (20000 + id))).isTrue();
    }
    assertThat(node1.learn(1000, "127.0.0.1:21000")).isFalse();
    assertThat(node1.peerAddress(1000)).isEmpty();

    node1.close();
    assertThat(node1.learn(1001, "127.0.0.1:21001")).isFalse();
  }

  @Test
  void closeIsIdempotentAndDropsLaterSends() {
    LoopbackPeer server2 = peer(2, CLUSTER);
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, server2.address()), LIMITS);
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 2, 1));
      assertThat(server2.inbox).isNotEmpty();
    });

    node1.close();
    node1.close();
    // Heartbeats still queued at close were dropped by it; after close returns nothing moves.
    PeerStats atClose = node1.stats(2).orElseThrow();
    node1.send(Samples.heartbeat(1, 2, 2));

    assertThat(node1.stats(2).orElseThrow().dropped()).isEqualTo(atClose.dropped() + 1);
    assertThat(node1.stats(2).orElseThrow().sent()).isEqualTo(atClose.sent());
  }

  @Test
  void closeReturnsWhileAPeerIsDownAndRetrying() throws IOException {
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, LoopbackPorts.closed()), LIMITS);
    await().untilAsserted(() -> {
      node1.send(Samples.heartbeat(1, 2, 1));
      assertThat(node1.reconnects()).isPositive();
    });

    node1.close();

    assertThat(node1.stats(2).orElseThrow().sent()).isZero();
  }

  private LoopbackPeer peer(long id, String clusterId) {
    return peer(id, clusterId, LIMITS);
  }

  private LoopbackPeer peer(long id, String clusterId, TransportLimits limits) {
    LoopbackPeer p = LoopbackPeer.start(id, clusterId, 0, limits, FAST);
    closeAfter.add(p);
    return p;
  }

  /** A transport that advertises an address nobody listens on: the tests using it never get an answer. */
  private GrpcPeerTransport transport(long id, String clusterId, Map<Long, String> peers, TransportLimits limits) {
    return transport(id, clusterId, "node-" + id + ".invalid:7380", peers, limits);
  }

  private GrpcPeerTransport transport(long id, String clusterId, String selfAddress, Map<Long, String> peers,
      TransportLimits limits) {
    GrpcPeerTransport t = new GrpcPeerTransport(id, clusterId, selfAddress, peers, limits, FAST);
    closeAfter.add(0, t); // close transports before the servers they talk to
    return t;
  }

}
