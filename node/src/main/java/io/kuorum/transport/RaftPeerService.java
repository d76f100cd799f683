package io.kuorum.transport;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.raft.Message;
import io.kuorum.transport.proto.RaftMessage;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.transport.proto.SnapshotChunk;
import io.kuorum.transport.proto.SnapshotReceipt;
import io.kuorum.transport.proto.StreamClosed;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The receiving end of the peer transport: decodes every message of every inbound stream and hands
 * it to the runtime's inbox. Messages of another cluster, or for another node, close their stream
 * with {@code FAILED_PRECONDITION}; malformed ones are dropped and the stream goes on.
 *
 * <p>The sender's advertised address ({@code from_address}) goes to a {@link PeerAddressListener}
 * when a stream's sender or address is new: Raft answers travel on this node's own stream to the
 * sender, and without the address a member this node has not heard of could never be answered.
 *
 * <p>The inbox must be thread-safe and must not block: it is called on gRPC's threads, one message
 * at a time per stream, and the next message is requested only after it returns, so a flooding
 * peer is held back by HTTP/2 flow control instead of filling this node's memory.
 *
 * <p>Snapshots arrive on their own calls ({@code InstallSnapshot}, see {@link InboundSnapshot}) when
 * the runtime provides a {@link SnapshotSink}: each is checked chunk by chunk, staged in the sink,
 * and handed to the runtime whole as a {@link ReceivedSnapshot}; the runtime builds the core's
 * InstallSnapshot message from it. Without a sink such calls fail with {@code UNIMPLEMENTED}.
 */
public final class RaftPeerService extends RaftServiceGrpc.RaftServiceImplBase {
  private final long selfId;
  private final String clusterId;
  private final Consumer<Message> inbox;
  private final PeerAddressListener addressListener;
  private final Optional<SnapshotReceiving> snapshots;
  private final InboundSnapshots inboundSnapshots = new InboundSnapshots();
  private final Counters counters = new Counters();
  private final LogLimiter logLimiter = new LogLimiter(Duration.ofSeconds(10));

  /** A service that ignores senders' addresses ({@link PeerAddressListener#NONE}). */
  public RaftPeerService(long selfId, String clusterId, Consumer<Message> inbox) {
    this(selfId, clusterId, inbox, PeerAddressListener.NONE);
  }

  /**
   * @param inbox receives every valid message; thread-safe, never blocks
   * @param addressListener hears each stream's sender address when it is new; thread-safe, never blocks
   */
  public RaftPeerService(long selfId, String clusterId, Consumer<Message> inbox, PeerAddressListener addressListener) {
    this(selfId, clusterId, inbox, addressListener, Optional.empty());
  }

  /**
   * A service that also receives snapshots.
   *
   * @param sink stages inbound snapshots; may block on disk (it runs on gRPC's threads)
   * @param onSnapshot receives every snapshot that arrived whole; thread-safe, never blocks. If it
   *     throws, the sender hears INTERNAL, and the completed snapshot is the runtime's to clean up.
   */
  public RaftPeerService(long selfId, String clusterId, Consumer<Message> inbox, PeerAddressListener addressListener,
      SnapshotSink sink, Consumer<ReceivedSnapshot> onSnapshot) {
    this(selfId, clusterId, inbox, addressListener, Optional.of(new SnapshotReceiving(sink, onSnapshot)));
  }

  private RaftPeerService(long selfId, String clusterId, Consumer<Message> inbox, PeerAddressListener addressListener,
      Optional<SnapshotReceiving> snapshots) {
    if (selfId <= 0) throw new IllegalArgumentException("selfId must be positive, got " + selfId);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
    if (inbox == null) throw new IllegalArgumentException("inbox is required");
    if (addressListener == null) throw new IllegalArgumentException("addressListener is required (PeerAddressListener.NONE ignores addresses)");
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.inbox = inbox;
    this.addressListener = addressListener;
    this.snapshots = snapshots;
  }

  @Override
  public StreamObserver<RaftMessage> stream(StreamObserver<StreamClosed> responseObserver) {
    var call = (ServerCallStreamObserver<StreamClosed>) responseObserver;
    call.disableAutoRequest();
    // A cancelled call then ignores our late completion instead of throwing.
    call.setOnCancelHandler(() -> {});
    InboundStream stream = new InboundStream(selfId, clusterId, inbox, addressListener, call, counters, logLimiter);
    call.request(1);
    return stream;
  }

  @Override
  public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<SnapshotReceipt> responseObserver) {
    var call = (ServerCallStreamObserver<SnapshotReceipt>) responseObserver;
    call.disableAutoRequest();
    call.setOnCancelHandler(() -> {});
    if (snapshots.isEmpty()) {
      call.onError(Status.UNIMPLEMENTED.withDescription("node " + selfId + " does not accept snapshots: its runtime set "
          + "no snapshot sink").asRuntimeException());
      return new StreamObserver<>() {
        @Override public void onNext(SnapshotChunk chunk) {}
        @Override public void onError(Throwable t) {}
        @Override public void onCompleted() {}
      };
    }
    SnapshotReceiving r = snapshots.get();
    InboundSnapshot inbound = new InboundSnapshot(selfId, clusterId, r.sink(), r.onSnapshot(), inboundSnapshots, call,
        counters, logLimiter);
    call.request(1);
    return inbound;
  }

  /** Messages handed to the inbox. */
  public long delivered() {
    return counters.delivered.sum();
  }

  /** Messages dropped because they did not decode. */
  public long malformed() {
    return counters.malformed.sum();
  }

  /** Streams closed because of a foreign cluster id or a wrong recipient. */
  public long refusedStreams() {
    return counters.refused.sum();
  }

  /** Snapshots that arrived whole and went to the runtime. */
  public long snapshotsReceived() {
    return counters.snapshotsReceived.sum();
  }

  /** Snapshot calls refused: foreign or malformed headers, bad chunks, failing sinks. */
  public long snapshotsRefused() {
    return counters.snapshotsRefused.sum();
  }

  /** Snapshot bytes written to the sink. */
  public long snapshotBytes() {
    return counters.snapshotBytes.sum();
  }

  /** Senders with a snapshot call open now. */
  public int snapshotsInProgress() {
    return inboundSnapshots.size();
  }

  static final class Counters {
    final LongAdder delivered = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder snapshotsReceived = new LongAdder();
    final LongAdder snapshotsRefused = new LongAdder();
    final LongAdder snapshotBytes = new LongAdder();
  }

  private record SnapshotReceiving(SnapshotSink sink, Consumer<ReceivedSnapshot> onSnapshot) {
    SnapshotReceiving {
      if (sink == null || onSnapshot == null) throw new IllegalArgumentException("a snapshot sink and a listener for received snapshots are required");
    }
  }
}
