package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.raft.Message;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.transport.proto.SnapshotChunk;
import io.kuorum.transport.proto.SnapshotReceipt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiving side of snapshot transfers alone, driven by raw client calls over gRPC's in-process transport. */
class SnapshotReceiverTest {
  private static final String CLUSTER = "alpha";
  private static final byte[] BYTES = BytesSource.random(10_000, 42);

  private final MemorySnapshotSink sink = new MemorySnapshotSink();
  private final ConcurrentLinkedQueue<ReceivedSnapshot> received = new ConcurrentLinkedQueue<>();
  private final RaftPeerService service = new RaftPeerService(2, CLUSTER, m -> {}, PeerAddressListener.NONE, sink,
      received::add);
  private final ConcurrentLinkedQueue<AutoCloseable> closeAfter = new ConcurrentLinkedQueue<>();
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    channel = serve(service);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) c.close();
  }

  @Test
  void acceptsASnapshotInChunksAndHandsItToTheRuntime() {
    var call = new Call(channel);

    call.send(header(1, 2, CLUSTER, 7, 100, 6, BYTES.length));
    await().until(() -> call.receipts.size() == 1);
    call.send(chunk(0, 0, 4000, false));
    call.send(chunk(4000, 4000, 8000, false));
    call.send(chunk(8000, 8000, BYTES.length, true));

    await().until(call.completed::get);
    assertThat(call.receipts).containsExactly(SnapshotWire.receipt(0, false), SnapshotWire.receipt(BYTES.length, true));
    assertThat(received).hasSize(1);
    ReceivedSnapshot r = received.peek();
    assertThat(sink.completed.get(new String(r.data(), StandardCharsets.UTF_8))).isEqualTo(BYTES);
    Message.InstallSnapshot m = r.toMessage();
    assertThat(List.of(m.from(), m.to(), m.term(), m.snapshot().index(), m.snapshot().term())).containsExactly(1L, 2L, 7L, 100L, 6L);
    assertThat(m.snapshot().configuration().configuration()).isEqualTo(SnapshotTransferTest.CONFIG.configuration());
    assertThat(service.snapshotsReceived()).isEqualTo(1);
    assertThat(service.snapshotBytes()).isEqualTo(BYTES.length);
    assertThat(service.snapshotsInProgress()).isZero();
  }

  @Test
  void acceptsAnEmptySnapshot() {
    var call = new Call(channel);

    call.send(header(1, 2, CLUSTER, 7, 100, 6, 0));
    call.send(SnapshotWire.dataChunk(0, new byte[0], true));

    await().until(call.completed::get);
    assertThat(call.receipts).containsExactly(SnapshotWire.receipt(0, false), SnapshotWire.receipt(0, true));
    assertThat(sink.only()).isEmpty();
  }

  @Test
  void tellsTheSenderToResumeAfterWhatItHoldsOfTheSameSnapshot() {
    SnapshotHeader.Key key = new SnapshotHeader.Key(1, 100, 6, BYTES.length);
    sink.stagePartial(key, Arrays.copyOf(BYTES, 6000));
    var call = new Call(channel);

    call.send(header(1, 2, CLUSTER, 8, 100, 6, BYTES.length)); // a later term: same bytes
    await().until(() -> call.receipts.size() == 1);
    assertThat(call.receipts.peek().getHeld()).isEqualTo(6000);
    call.send(chunk(6000, 6000, BYTES.length, true));

    await().until(call.completed::get);
    assertThat(sink.only()).isEqualTo(BYTES);
  }

  @Test
  void neverResumesTheBytesOfAnotherSnapshot() {
    sink.stagePartial(new SnapshotHeader.Key(1, 100, 6, BYTES.length), Arrays.copyOf(BYTES, 6000));
    var call = new Call(channel);

    call.send(header(1, 2, CLUSTER, 8, 101, 6, BYTES.length));

    await().until(() -> call.receipts.size() == 1);
    assertThat(call.receipts.peek().getHeld()).isZero();
  }

  @Test
  void refusesASnapshotOfAnotherClusterOrForAnotherNode() {
    var foreign = new Call(channel);
    foreign.send(header(1, 2, "beta", 7, 100, 6, 10));
    var misdirected = new Call(channel);
    misdirected.send(header(1, 3, CLUSTER, 7, 100, 6, 10));

    assertThat(foreign.refusal()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(foreign.description()).contains("cluster id mismatch", "node 2 belongs to cluster 'alpha'",
        "node 1 sent a snapshot for cluster 'beta'");
    assertThat(misdirected.refusal()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(misdirected.description()).contains("node 1 sent a snapshot for node 3 to node 2");
    assertThat(sink.events).isEmpty();
    assertThat(service.snapshotsRefused()).isEqualTo(2);
  }

  @Test
  void refusesMalformedHeaders() {
    record Case(SnapshotChunk first, String expected) {}
    var good = header(1, 2, CLUSTER, 7, 100, 6, 10);
    var h = good.getHeader();
    List<Case> cases = List.of(
        new Case(SnapshotWire.dataChunk(0, new byte[10], true), "the first chunk of a snapshot call must carry the header"),
        new Case(good.toBuilder().setData(ByteString.copyFromUtf8("x")).build(), "must carry no data"),
        new Case(good.toBuilder().setOffset(5).build(), "must carry no data, offset or last mark"),
        new Case(withHeader(h.toBuilder().setSnapshotTerm(8)), "snapshot_term 8 is above the leader's term 7"),
        new Case(withHeader(h.toBuilder().setIndex(0)), "index is 0, must be >= 1"),
        new Case(withHeader(h.toBuilder().setFrom(0)), "from is 0, must be >= 1"),
        new Case(withHeader(h.toBuilder().setSize(-1)), "size 18446744073709551615 must be < 2^63"),
        new Case(withHeader(h.toBuilder().setConfiguration(ByteString.copyFromUtf8("junk"))),
            "configuration does not decode"));

    for (Case c : cases) {
      var call = new Call(channel);
      call.send(c.first());
      assertThat(call.refusal()).as(c.expected()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(call.description()).contains(c.expected());
    }
    assertThat(sink.events).isEmpty();
    assertThat(received).isEmpty();
  }

  @Test
  void refusesAGapBetweenChunksAndKeepsNothing() {
    var call = started(BYTES.length);
    call.send(chunk(0, 0, 1000, false));
    call.send(chunk(2000, 2000, 3000, false));

    assertThat(call.refusal()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(call.description()).contains("at offset 2000, expected 1000", "without gaps");
    assertThat(sink.events).containsExactly("begin 100 at 0", "abort 100");
    assertThat(sink.held(new SnapshotHeader.Key(1, 100, 6, BYTES.length))).isZero();
  }

  @Test
  void refusesACorruptChunkWithDataLossAndKeepsNothing() {
    var call = started(BYTES.length);
    call.send(chunk(0, 0, 1000, false));
    SnapshotChunk good = chunk(1000, 1000, 2000, false);
    byte[] flipped = good.getData().toByteArray();
    flipped[17] ^= 0x40;
    call.send(good.toBuilder().setData(ByteString.copyFrom(flipped)).build());

    assertThat(call.refusal()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(call.description()).contains("at offset 1000 is corrupt: CRC32C");
    assertThat(sink.events).containsExactly("begin 100 at 0", "abort 100");
    assertThat(received).isEmpty();
    assertThat(service.snapshotBytes()).isEqualTo(1000);
  }

  @Test
  void refusesChunksThatBreakTheSizeOrTheLastMark() {
    record Case(SnapshotChunk chunk, String expected) {}
    List<Case> cases = List.of(
        new Case(SnapshotWire.dataChunk(0, new byte[BYTES.length + 1], true), "runs past the end"),
        new Case(chunk(0, 0, 5000, true), "is marked last but ends at 5000"),
        new Case(chunk(0, 0, BYTES.length, false), "reaches the end of snapshot 100@6 from node 1 to node 2"),
        new Case(header(1, 2, CLUSTER, 7, 100, 6, BYTES.length), "only the first chunk of a snapshot call carries a header"));

    for (Case c : cases) {
      var call = started(BYTES.length);
      call.send(c.chunk());
      assertThat(call.refusal()).as(c.expected()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(call.description()).contains(c.expected());
    }
    assertThat(received).isEmpty();
  }

  @Test
  void aSinkThatCannotWriteMakesTheCallUnavailableAndAbortsIt() {
    sink.failOnceAt(1000);
    var call = started(BYTES.length);
    call.send(chunk(0, 0, 1000, false));
    call.send(chunk(1000, 1000, 2000, false));

    assertThat(call.refusal()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(call.description()).contains("node 2 cannot write snapshot 100@6", "at offset 1000", "disk trouble");
    assertThat(sink.events).containsExactly("begin 100 at 0", "abort 100");
  }

  @Test
  void aBrokenCallLeavesTheCheckedBytesForTheNextCall() {
    var first = started(BYTES.length);
    first.send(chunk(0, 0, 3000, false));
    await().until(() -> sink.held(new SnapshotHeader.Key(1, 100, 6, BYTES.length)) == 3000);

    first.requests.cancel("connection lost (simulated by the test)", null);
    await().until(() -> sink.events.contains("suspend 100 at 3000"));
    await().until(() -> service.snapshotsInProgress() == 0);
    var second = started(BYTES.length);

    assertThat(second.receipts.peek().getHeld()).isEqualTo(3000);
    assertThat(sink.events).doesNotContain("abort 100");
  }

  @Test
  void aNewCallFromTheSameSenderTakesOverFromTheOldOne() {
    var first = started(BYTES.length);
    first.send(chunk(0, 0, 2500, false));
    await().until(() -> sink.held(new SnapshotHeader.Key(1, 100, 6, BYTES.length)) == 2500);

    var second = started(BYTES.length); // the sender saw its connection break; this side did not yet

    assertThat(first.refusal()).isEqualTo(Status.Code.ABORTED);
    assertThat(first.description()).contains("a newer call from the same node took over snapshot 100@6");
    assertThat(second.receipts.peek().getHeld()).isEqualTo(2500);
    second.send(chunk(2500, 2500, BYTES.length, true));
    await().until(second.completed::get);
    assertThat(sink.only()).isEqualTo(BYTES);
  }

  @Test
  void refusesMoreSendersThanALeaderAndAnOldOneNeed() {
    for (long from : new long[] {1, 3, 4, 5}) {
      var call = new Call(channel);
      call.send(header(from, 2, CLUSTER, 7, 100, 6, 10));
      await().until(() -> call.receipts.size() == 1);
    }
    var fifth = new Call(channel);
    fifth.send(header(6, 2, CLUSTER, 7, 100, 6, 10));

    assertThat(fifth.refusal()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(fifth.description()).contains("receiving snapshots from 4 other nodes already");
  }

  @Test
  void withoutASinkSnapshotCallsAreUnimplemented() throws IOException {
    var plain = new RaftPeerService(2, CLUSTER, m -> {});
    var call = new Call(serve(plain));

    call.send(header(1, 2, CLUSTER, 7, 100, 6, 10));

    assertThat(call.refusal()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(call.description()).contains("node 2 does not accept snapshots");
  }

  @Test
  void aRuntimeThatFailsToTakeTheSnapshotIsReportedAsInternal() throws IOException {
    Consumer<ReceivedSnapshot> failing = r -> {
      throw new IllegalStateException("runtime bug (expected by the test)");
    };
    var call = new Call(serve(new RaftPeerService(2, CLUSTER, m -> {}, PeerAddressListener.NONE, sink, failing)));

    call.send(header(1, 2, CLUSTER, 7, 100, 6, 10));
    call.send(chunk(0, 0, 10, true));

    assertThat(call.refusal()).isEqualTo(Status.Code.INTERNAL);
    assertThat(call.description()).contains("node 2 failed to take snapshot 100@6", "runtime bug");
    assertThat(sink.events).containsExactly("begin 100 at 0", "complete 100"); // the runtime's to clean up
  }

  @Test
  void rejectsAnIncompleteSnapshotConfiguration() {
    assertThatThrownBy(() -> new RaftPeerService(2, CLUSTER, m -> {}, PeerAddressListener.NONE, null, r -> {}))
        .hasMessageContaining("a snapshot sink and a listener for received snapshots are required");
  }

  private Call started(long size) {
    var call = new Call(channel);
    call.send(header(1, 2, CLUSTER, 7, 100, 6, size));
    await().until(() -> call.receipts.size() == 1);
    return call;
  }

  private ManagedChannel serve(RaftPeerService s) throws IOException {
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).addService(s).build().start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    closeAfter.add(ch::shutdownNow);
    closeAfter.add(server::shutdownNow);
    return ch;
  }

  private static SnapshotChunk header(long from, long to, String cluster, long term, long index, long snapshotTerm, long size) {
    return SnapshotWire.headerChunk(cluster, from, to, term, SnapshotTransferTest.snapshot(index, snapshotTerm, "ref"), size,
        0x5eed);
  }

  private static SnapshotChunk withHeader(io.kuorum.transport.proto.SnapshotHeader.Builder h) {
    return SnapshotChunk.newBuilder().setHeader(h).build();
  }

  /** Bytes {@code [from, to)} of {@link #BYTES} at {@code offset}. */
  private static SnapshotChunk chunk(long offset, int from, int to, boolean last) {
    return SnapshotWire.dataChunk(offset, Arrays.copyOfRange(BYTES, from, to), last);
  }

  /** One raw client call and what the server answered on it. */
  private static final class Call implements StreamObserver<SnapshotReceipt> {
    final ConcurrentLinkedQueue<SnapshotReceipt> receipts = new ConcurrentLinkedQueue<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicBoolean completed = new AtomicBoolean();
    final ClientCallStreamObserver<SnapshotChunk> requests;

    Call(ManagedChannel channel) {
      requests = (ClientCallStreamObserver<SnapshotChunk>) RaftServiceGrpc.newStub(channel).installSnapshot(this);
    }

    void send(SnapshotChunk chunk) {
      requests.onNext(chunk);
    }

    Status.Code refusal() {
      await().until(() -> error.get() != null);
      return Status.fromThrowable(error.get()).getCode();
    }

    String description() {
      return Status.fromThrowable(error.get()).getDescription();
    }

    @Override
    public void onNext(SnapshotReceipt receipt) {
      receipts.add(receipt);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {
      completed.set(true);
    }
  }
}
