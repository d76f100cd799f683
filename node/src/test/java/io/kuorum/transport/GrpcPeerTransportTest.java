package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.AppendEntries;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
    int deadPort = unusedPort();
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, "127.0.0.1:" + deadPort), LIMITS);
    int n = 100_000;

    for (int i = 0; i < n; i++) node1.send(Samples.heartbeat(1, 2, i));

    // Everything beyond the queue bound is dropped at once; the rest when the connect attempt fails.
    assertThat(node1.stats(2).orElseThrow().dropped()).isGreaterThanOrEqualTo(n - LIMITS.maxQueuedMessages());
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
    assertThatThrownBy(() -> new GrpcPeerTransport(0, CLUSTER, Map.of(), LIMITS)).hasMessageContaining("selfId");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, " ", Map.of(), LIMITS)).hasMessageContaining("clusterId");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, Map.of(2L, ""), LIMITS)).hasMessageContaining("peer 2 has no address");
    assertThatThrownBy(() -> new GrpcPeerTransport(1, CLUSTER, Map.of(-2L, "h:1"), LIMITS)).hasMessageContaining("peer id must be positive");
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
    GrpcPeerTransport node1 = transport(1, CLUSTER, Map.of(2L, "127.0.0.1:" + unusedPort()), LIMITS);
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

  private GrpcPeerTransport transport(long id, String clusterId, Map<Long, String> peers, TransportLimits limits) {
    GrpcPeerTransport t = new GrpcPeerTransport(id, clusterId, peers, limits, FAST);
    closeAfter.add(0, t); // close transports before the servers they talk to
    return t;
  }

  /** A loopback port nobody listens on (it was free a moment ago and nothing here binds it). */
  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
