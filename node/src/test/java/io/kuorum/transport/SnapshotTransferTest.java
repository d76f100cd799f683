package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Snapshot;
import io.kuorum.transport.SnapshotSender.Decision;
import io.kuorum.transport.SnapshotTransferResult.Outcome;
import io.kuorum.transport.proto.SnapshotChunk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Snapshot transfers between real senders and servers on 127.0.0.1 ephemeral ports. */
@Timeout(120) // a guard against hangs, not a timing assertion
class SnapshotTransferTest {
  private static final String CLUSTER = "kuorum-test";
  private static final int MiB = 1 << 20;
  /** Fast retries so the tests do not wait for the production backoff. */
  private static final TransportTimings FAST = new TransportTimings(Duration.ofMillis(10), Duration.ofMillis(200),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5));
  /** Small chunks and many attempts: the tests restart servers and must not run out of retries. */
  private static final TransportLimits LIMITS = TransportLimits.DEFAULT.withSnapshots(256 << 10, 50);
  static final ConfigurationEntry CONFIG = new ConfigurationEntry(
      new Configuration(new TreeSet<>(Set.of(1L, 2L, 3L)), new TreeSet<>(Set.of(4L)), new TreeSet<>()),
      "members' addresses".getBytes(StandardCharsets.UTF_8));

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final ConcurrentLinkedQueue<SnapshotTransferResult> results = new ConcurrentLinkedQueue<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeAfter) c.close();
  }

  @Test
  void aMultiMegabyteSnapshotArrivesIntactBesideTheMessageStream() {
    byte[] bytes = BytesSource.random(12 * MiB + 12345, 1);
    var source = new BytesSource(bytes);
    var sink = new MemorySnapshotSink();
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    GrpcPeerTransport node1 = transport(1, Map.of(2L, server2.address()));
    var looked = new ConcurrentLinkedQueue<String>();
    node1.useSnapshots(s -> {
      looked.add(new String(s.data(), StandardCharsets.UTF_8));
      return Optional.of(source);
    }, results::add);
    var install = new Message.InstallSnapshot(1, 2, 7, snapshot(100, 6, "snap-100"));

    node1.send(install);
    node1.send(Samples.heartbeat(1, 2, 1));

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    SnapshotTransferResult result = results.peek();
    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DELIVERED);
    assertThat(result).extracting(SnapshotTransferResult::to, SnapshotTransferResult::term, SnapshotTransferResult::index,
        SnapshotTransferResult::snapshotTerm, SnapshotTransferResult::size, SnapshotTransferResult::bytesSent,
        SnapshotTransferResult::calls).containsExactly(2L, 7L, 100L, 6L, (long) bytes.length, (long) bytes.length, 1);
    assertThat(looked).containsExactly("snap-100");
    assertThat(source.closed).isTrue();
    assertThat(node1.snapshotStats()).isEqualTo(new SnapshotSenderStats(1, 1, 0, 0, 0, bytes.length));
    assertThat(node1.snapshotProgress(2)).isEmpty();

    ReceivedSnapshot received = server2.snapshots.peek();
    assertThat(server2.snapshots).hasSize(1);
    assertThat(sink.completed.get(new String(received.data(), StandardCharsets.UTF_8))).isEqualTo(bytes);
    assertThat(received.header()).extracting(SnapshotHeader::from, SnapshotHeader::to, SnapshotHeader::term,
        SnapshotHeader::index, SnapshotHeader::snapshotTerm, SnapshotHeader::size).containsExactly(1L, 2L, 7L, 100L, 6L,
        (long) bytes.length);
    Message.InstallSnapshot delivered = received.toMessage();
    assertThat(delivered.from()).isEqualTo(1);
    assertThat(delivered.to()).isEqualTo(2);
    assertThat(delivered.term()).isEqualTo(7);
    assertThat(delivered.snapshot().index()).isEqualTo(100);
    assertThat(delivered.snapshot().term()).isEqualTo(6);
    assertThat(delivered.snapshot().configuration().configuration()).isEqualTo(CONFIG.configuration());
    assertThat(delivered.snapshot().configuration().context()).isEqualTo(CONFIG.context());
    assertThat(delivered.snapshot().data()).isEqualTo(received.data());
    assertThat(server2.service.snapshotsReceived()).isEqualTo(1);
    assertThat(server2.service.snapshotBytes()).isEqualTo(bytes.length);
    // The InstallSnapshot never went through the message stream; the heartbeat did.
    await().untilAsserted(() -> assertThat(server2.received()).containsExactly(Samples.heartbeat(1, 2, 1)));
  }

  @Test
  void flowControlKeepsTheSenderAFewChunksAheadOfASlowReceiver() {
    int chunk = 64 << 10;
    // gRPC tunes the receiver's HTTP/2 window between 1 MiB (what loopback shows) and 8 MiB; besides
    // it, the chunk the sink holds, the one gRPC buffers on the sender, and one more.
    long bound = 8L * MiB + 3L * chunk;
    var sink = new MemorySnapshotSink().holdAt(4L * MiB);
    AtomicLong maxLead = new AtomicLong();
    var source = new BytesSource(BytesSource.random(64 * MiB, 2),
        read -> maxLead.accumulateAndGet(read - sink.written.get(), Math::max));
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    SnapshotSender sender = sender(Map.of(2L, server2.address()), TransportLimits.DEFAULT.withSnapshots(chunk, 5), FAST);

    assertThat(sender.send(2, new SnapshotTransfer(3, snapshot(50, 3, "s"), source))).isEqualTo(Decision.STARTED);

    // The receiver is stuck: the sender must come to a stop instead of reading the file into memory.
    await().until(() -> sink.blocked.get() && sender.progress(2).map(SnapshotProgress::awaitingReceiver).orElse(false));
    long readWhileStuck = source.read.get();
    assertThat(readWhileStuck - sink.written.get()).isLessThanOrEqualTo(bound);
    sink.release();

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    assertThat(results.peek().outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(sink.only()).isEqualTo(source.bytes);
    assertThat(maxLead.get()).as("bytes read ahead of the receiver at any time").isLessThanOrEqualTo(bound);
  }

  @Test
  void aTransferCutOffByARestartOfTheReceiverResumesWhereItStopped() throws Exception {
    byte[] bytes = BytesSource.random(8 * MiB, 3);
    var source = new BytesSource(bytes);
    // The sink outlives the server, as the runtime's staging directory outlives a restart.
    var sink = new MemorySnapshotSink().holdAt(3L * MiB);
    SnapshotHeader.Key key = new SnapshotHeader.Key(1, 70, 4, bytes.length);
    LoopbackPeer first = peer(2, CLUSTER, sink);
    int port = first.port();
    SnapshotSender sender = sender(Map.of(2L, first.address()), LIMITS, FAST);

    sender.send(2, new SnapshotTransfer(4, snapshot(70, 4, "s"), source));
    await().until(sink.blocked::get);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    // The call breaks; the sender retries against a closed port until the server comes back.
    await().until(() -> sender.progress(2).map(SnapshotProgress::calls).orElse(0) > 1);
    sink.release();
    closing.get();
    await().until(() -> sink.events.stream().anyMatch(e -> e.startsWith("suspend 70"))); // the broken call let go
    long held = sink.held(key);
    assertThat(held).isGreaterThan(0).isLessThan(bytes.length);

    LoopbackPeer restarted = LoopbackPeer.start(2, CLUSTER, port, TransportLimits.DEFAULT, FAST, sink);
    closeAfter.add(restarted);

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    SnapshotTransferResult result = results.peek();
    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DELIVERED);
    assertThat(source.openedAt).containsExactly(0L, held);
    assertThat(result.bytesSent()).isLessThan(2L * bytes.length);
    assertThat(sink.events).contains("begin 70 at " + held).doesNotContain("abort 70");
    assertThat(sink.only()).isEqualTo(bytes);
    assertThat(restarted.snapshots).hasSize(1);
  }

  @Test
  void aCorruptedChunkIsRefusedAndTheTransferStartsOverIntact() throws IOException {
    byte[] bytes = BytesSource.random(3 * MiB, 4);
    var sink = new MemorySnapshotSink();
    var corruptOnce = new CorruptOnce(5);
    var service = new RaftPeerService(2, CLUSTER, m -> {}, PeerAddressListener.NONE, sink, r -> {});
    var server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, corruptOnce)).build().start();
    closeAfter.add(server::shutdownNow);
    SnapshotSender sender = sender(Map.of(2L, "127.0.0.1:" + server.getPort()), LIMITS, FAST);

    sender.send(2, new SnapshotTransfer(2, snapshot(9, 2, "s"), new BytesSource(bytes)));

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    SnapshotTransferResult result = results.peek();
    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DELIVERED);
    assertThat(corruptOnce.done).isTrue();
    assertThat(result.calls()).isEqualTo(2);
    assertThat(sink.only()).isEqualTo(bytes);
    // Nothing of the call with the bad chunk was kept: the second call started from 0.
    assertThat(sink.events).containsExactly("begin 9 at 0", "abort 9", "begin 9 at 0", "complete 9");
    assertThat(service.snapshotsRefused()).isEqualTo(1);
  }

  @Test
  void aReceiverOfAnotherClusterRefusesAndTheSenderGivesUpAtOnce() {
    LoopbackPeer foreign = peer(2, "other-cluster", new MemorySnapshotSink());
    SnapshotSender sender = sender(Map.of(2L, foreign.address()), LIMITS, FAST);

    sender.send(2, new SnapshotTransfer(2, snapshot(9, 2, "s"), new BytesSource(new byte[1000])));

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    SnapshotTransferResult result = results.peek();
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.calls()).isEqualTo(1);
    assertThat(result.detail()).contains("FAILED_PRECONDITION", "cluster id mismatch",
        "node 2 belongs to cluster 'other-cluster'");
    assertThat(foreign.snapshots).isEmpty();
  }

  @Test
  void aReceiverThatIsAnotherNodeRefusesAndTheSenderGivesUpAtOnce() {
    LoopbackPeer server2 = peer(2, CLUSTER, new MemorySnapshotSink());
    SnapshotSender sender = sender(Map.of(3L, server2.address()), LIMITS, FAST); // a stale address

    sender.send(3, new SnapshotTransfer(2, snapshot(9, 2, "s"), new BytesSource(new byte[1000])));

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    assertThat(results.peek().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(results.peek().detail()).contains("misdirected snapshot", "for node 3 to node 2");
    assertThat(server2.snapshots).isEmpty();
  }

  @Test
  void theDeadlineEndsAStalledTransferAndReportsIt() {
    var sink = new MemorySnapshotSink().holdAt(MiB);
    closeAfter.add(sink::release); // before the server closes, so its blocked thread goes free
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    TransportTimings shortDeadline = FAST.withSnapshotDeadline(Duration.ofMillis(500), 1L << 40);
    SnapshotSender sender = sender(Map.of(2L, server2.address()), LIMITS, shortDeadline);
    var source = new BytesSource(BytesSource.random(4 * MiB, 5));

    sender.send(2, new SnapshotTransfer(2, snapshot(9, 2, "s"), source));

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    SnapshotTransferResult result = results.peek();
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.detail()).contains("deadline of PT0.5", "passed after 1 call(s)");
    assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(source.closed).isTrue();
    assertThat(sender.progress(2)).isEmpty();
    assertThat(server2.snapshots).isEmpty();
  }

  @Test
  void aRepeatedRequestIsIgnoredWhileANewerSnapshotReplacesTheRunningTransfer() {
    var sink = new MemorySnapshotSink().holdAt(MiB);
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    SnapshotSender sender = sender(Map.of(2L, server2.address()), LIMITS, FAST);
    var first = new BytesSource(BytesSource.random(2 * MiB, 6));
    var repeat = new BytesSource(first.bytes);
    var newer = new BytesSource(BytesSource.random(2 * MiB, 7));

    assertThat(sender.send(2, new SnapshotTransfer(5, snapshot(40, 5, "a"), first))).isEqualTo(Decision.STARTED);
    await().until(sink.blocked::get);
    assertThat(sender.send(2, new SnapshotTransfer(5, snapshot(40, 5, "a"), repeat))).isEqualTo(Decision.IGNORED);
    assertThat(sender.send(2, new SnapshotTransfer(5, snapshot(39, 5, "old"), new BytesSource(new byte[1]))))
        .isEqualTo(Decision.IGNORED);
    assertThat(repeat.closed).isTrue();
    assertThat(sender.send(2, new SnapshotTransfer(5, snapshot(60, 5, "b"), newer))).isEqualTo(Decision.REPLACED);
    sink.release();

    await().untilAsserted(() -> assertThat(results).hasSize(2));
    assertThat(results).extracting(SnapshotTransferResult::index, SnapshotTransferResult::outcome)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(40L, Outcome.CANCELLED),
            org.assertj.core.groups.Tuple.tuple(60L, Outcome.DELIVERED));
    // The older one may still arrive, when its bytes were all on the wire before the cancel: harmless,
    // and the newer one arrives after it (one call per sender at a time).
    await().untilAsserted(() -> assertThat(server2.snapshots).extracting(r -> r.header().index()).endsWith(60L));
    assertThat(sink.completed.values()).contains(newer.bytes);
    assertThat(first.closed).isTrue();
    assertThat(sender.stats()).extracting(SnapshotSenderStats::started, SnapshotSenderStats::delivered,
        SnapshotSenderStats::cancelled, SnapshotSenderStats::ignored).containsExactly(2L, 1L, 1L, 2L);
  }

  @Test
  void theSameSnapshotInALaterTermReplacesTheTransferAndResumesIt() {
    var sink = new MemorySnapshotSink().holdAt(MiB);
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    SnapshotSender sender = sender(Map.of(2L, server2.address()), LIMITS, FAST);
    byte[] bytes = BytesSource.random(3 * MiB, 8);
    var again = new BytesSource(bytes);

    sender.send(2, new SnapshotTransfer(5, snapshot(40, 5, "a"), new BytesSource(bytes)));
    await().until(sink.blocked::get);
    assertThat(sender.send(2, new SnapshotTransfer(6, snapshot(40, 5, "a"), again))).isEqualTo(Decision.REPLACED);
    sink.release();

    await().untilAsserted(() -> assertThat(results).extracting(SnapshotTransferResult::outcome)
        .containsExactlyInAnyOrder(Outcome.CANCELLED, Outcome.DELIVERED));
    assertThat(sink.only()).isEqualTo(bytes);
    assertThat(again.openedAt).hasSize(1);
    assertThat(again.openedAt.get(0)).isPositive();
    assertThat(server2.snapshots.peek().header().term()).isEqualTo(6);
  }

  @Test
  void anUnreachablePeerFailsAfterTheBoundedNumberOfCalls() throws IOException {
    SnapshotSender sender = sender(Map.of(2L, LoopbackPorts.closed()), TransportLimits.DEFAULT.withSnapshots(MiB, 3),
        FAST);
    var source = new BytesSource(new byte[10]);

    sender.send(2, new SnapshotTransfer(2, snapshot(9, 2, "s"), source));

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    SnapshotTransferResult result = results.peek();
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.calls()).isEqualTo(3);
    assertThat(result.detail()).contains("after 3 calls in a row without progress", "UNAVAILABLE");
    assertThat(source.closed).isTrue();
  }

  @Test
  void aPeerWithoutAnAddressOrSnapshotFailsTheTransferWithAClearMessage() {
    SnapshotSender sender = sender(Map.of(), LIMITS, FAST);
    var source = new BytesSource(new byte[10]);

    sender.send(2, new SnapshotTransfer(2, snapshot(9, 2, "s"), source));
    sender.send(new Message.InstallSnapshot(1, 3, 2, snapshot(9, 2, "s")), s -> Optional.empty());

    await().untilAsserted(() -> assertThat(results).hasSize(2));
    assertThat(results).extracting(SnapshotTransferResult::detail)
        .containsExactlyInAnyOrder("no peer address is known for node 2", "no peer address is known for node 3");
    assertThat(source.closed).isTrue();
  }

  @Test
  void withoutSnapshotSourcesAnInstallSnapshotFailsAndSaysWhy() {
    LoopbackPeer server2 = peer(2, CLUSTER, new MemorySnapshotSink());
    GrpcPeerTransport node1 = transport(1, Map.of(2L, server2.address()));

    node1.send(new Message.InstallSnapshot(1, 2, 2, snapshot(9, 2, "s")));
    await().until(() -> node1.snapshotStats().failed() == 1);

    node1.useSnapshots(s -> Optional.empty(), results::add);
    node1.send(new Message.InstallSnapshot(1, 2, 2, snapshot(9, 2, "s")));
    await().untilAsserted(() -> assertThat(results).hasSize(1));
    assertThat(results.peek().detail()).contains("no longer has snapshot 9@2");
    assertThat(server2.snapshots).isEmpty();
  }

  @Test
  void aPeerThatLeavesTheConfigurationLosesItsTransfer() {
    var sink = new MemorySnapshotSink().holdAt(MiB);
    closeAfter.add(sink::release);
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    GrpcPeerTransport node1 = transport(1, Map.of(2L, server2.address()));
    var source = new BytesSource(BytesSource.random(2 * MiB, 9));
    node1.useSnapshots(s -> Optional.of(source), results::add);

    node1.send(new Message.InstallSnapshot(1, 2, 2, snapshot(9, 2, "s")));
    await().until(sink.blocked::get);
    node1.updatePeers(Map.of());

    await().untilAsserted(() -> assertThat(results).hasSize(1));
    assertThat(results.peek().outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(results.peek().detail()).isEqualTo("node 2 is no longer a peer");
    assertThat(source.closed).isTrue();
  }

  @Test
  void closeCancelsRunningTransfersAndReportsThem() {
    var sink = new MemorySnapshotSink().holdAt(MiB);
    closeAfter.add(sink::release);
    LoopbackPeer server2 = peer(2, CLUSTER, sink);
    GrpcPeerTransport node1 = transport(1, Map.of(2L, server2.address()));
    var source = new BytesSource(BytesSource.random(2 * MiB, 10));
    node1.useSnapshots(s -> Optional.of(source), results::add);
    node1.send(new Message.InstallSnapshot(1, 2, 2, snapshot(9, 2, "s")));
    await().until(sink.blocked::get);

    node1.close();

    assertThat(results).extracting(SnapshotTransferResult::outcome).containsExactly(Outcome.CANCELLED);
    assertThat(source.closed).isTrue();
    node1.send(new Message.InstallSnapshot(1, 2, 2, snapshot(10, 2, "s")));
    assertThat(node1.snapshotStats().started()).isEqualTo(1);
  }

  static Snapshot snapshot(long index, long term, String reference) {
    return new Snapshot(index, term, CONFIG, reference.getBytes(StandardCharsets.UTF_8));
  }

  private LoopbackPeer peer(long id, String clusterId, SnapshotSink sink) {
    LoopbackPeer p = LoopbackPeer.start(id, clusterId, 0, TransportLimits.DEFAULT, FAST, sink);
    closeAfter.add(p);
    return p;
  }

  private SnapshotSender sender(Map<Long, String> peers, TransportLimits limits, TransportTimings timings) {
    Map<Long, String> addresses = new HashMap<>(peers);
    SnapshotSender s = new SnapshotSender(1, CLUSTER, id -> Optional.ofNullable(addresses.get(id)), limits, timings,
        results::add);
    closeAfter.add(0, s); // close senders before the servers they talk to
    return s;
  }

  private GrpcPeerTransport transport(long id, Map<Long, String> peers) {
    GrpcPeerTransport t = new GrpcPeerTransport(id, CLUSTER, "node-" + id + ".invalid:7380", peers, LIMITS, FAST);
    closeAfter.add(0, t);
    return t;
  }


  /** Flips a byte in the data of the n-th chunk of the first call it sees. */
  private static final class CorruptOnce implements ServerInterceptor {
    private final int nth;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    volatile boolean done;

    CorruptOnce(int nth) {
      this.nth = nth;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      boolean corrupt = armed.getAndSet(false);
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        private int seen;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Q message) {
          if (corrupt && message instanceof SnapshotChunk chunk && seen++ == nth) {
            byte[] data = chunk.getData().toByteArray();
            data[data.length / 2] ^= 1;
            message = (Q) chunk.toBuilder().setData(com.google.protobuf.ByteString.copyFrom(data)).build();
            done = true;
          }
          super.onMessage(message);
        }
      };
    }
  }
}
