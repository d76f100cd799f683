package io.kuorum.transport;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.raft.Message;
import io.kuorum.transport.proto.RaftMessage;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.transport.proto.StreamClosed;
import java.time.Duration;
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
 */
public final class RaftPeerService extends RaftServiceGrpc.RaftServiceImplBase {
  private final long selfId;
  private final String clusterId;
  private final Consumer<Message> inbox;
  private final PeerAddressListener addressListener;
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
    if (selfId <= 0) throw new IllegalArgumentException("selfId must be positive, got " + selfId);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
    if (inbox == null) throw new IllegalArgumentException("inbox is required");
    if (addressListener == null) throw new IllegalArgumentException("addressListener is required (PeerAddressListener.NONE ignores addresses)");
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.inbox = inbox;
    this.addressListener = addressListener;
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

  static final class Counters {
    final LongAdder delivered = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder refused = new LongAdder();
  }
}
