package io.kuorum.transport;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.raft.Message;
import io.kuorum.transport.proto.RaftMessage;
import io.kuorum.transport.proto.StreamClosed;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's inbound stream on the server: checks, decodes and delivers each message, then asks for
 * the next. It reports the sender's advertised address when the (sender, address) pair differs from
 * the previous message's: once per stream in practice, at the cost of one string comparison for
 * every other message.
 */
final class InboundStream implements StreamObserver<RaftMessage> {
  private static final Logger log = LoggerFactory.getLogger(InboundStream.class);

  private final long selfId;
  private final String clusterId;
  private final Consumer<Message> inbox;
  private final PeerAddressListener addressListener;
  private final ServerCallStreamObserver<StreamClosed> call;
  private final RaftPeerService.Counters counters;
  private final LogLimiter logLimiter;
  // gRPC calls a StreamObserver serially, so plain fields suffice.
  private boolean finished;
  private long lastSender;
  // The last (sender, address) pair that decoded; sender 0 (never valid) means none yet.
  private long heardFrom;
  private String heardAddress = "";

  InboundStream(long selfId, String clusterId, Consumer<Message> inbox, PeerAddressListener addressListener,
      ServerCallStreamObserver<StreamClosed> call, RaftPeerService.Counters counters, LogLimiter logLimiter) {
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.inbox = inbox;
    this.addressListener = addressListener;
    this.call = call;
    this.counters = counters;
    this.logLimiter = logLimiter;
  }

  @Override
  public void onNext(RaftMessage wire) {
    if (finished) return;
    lastSender = wire.getFrom();
    Optional<String> refusal = refusal(wire);
    if (refusal.isPresent()) {
      refuse(wire.getFrom(), refusal.get());
      return;
    }
    deliver(wire);
    call.request(1);
  }

  private Optional<String> refusal(RaftMessage wire) {
    String from = Long.toUnsignedString(wire.getFrom());
    if (!clusterId.equals(wire.getClusterId())) {
      return Optional.of("cluster id mismatch: node " + selfId + " belongs to cluster '" + clusterId + "' but node "
          + from + " sent a message for cluster '" + wire.getClusterId() + "'");
    }
    if (wire.getTo() != selfId) {
      return Optional.of("misdirected message: node " + from + " sent a message for node "
          + Long.toUnsignedString(wire.getTo()) + " to node " + selfId + " (check its peer addresses)");
    }
    return Optional.empty();
  }

  private void refuse(long sender, String reason) {
    finished = true;
    counters.refused.increment();
    OptionalLong permit = logLimiter.permit("refuse-" + sender);
    if (permit.isPresent()) {
      log.warn("refusing the stream from node {}: {}{}", Long.toUnsignedString(sender),
          reason, LogLimiter.suppressedNote(permit.getAsLong()));
    }
    call.onError(Status.FAILED_PRECONDITION.withDescription(reason).asRuntimeException());
  }

  private void deliver(RaftMessage wire) {
    Message message;
    Optional<String> newAddress;
    try {
      message = MessageCodec.decode(wire);
      newAddress = newSenderAddress(wire);
    } catch (IllegalArgumentException e) {
      counters.malformed.increment();
      OptionalLong permit = logLimiter.permit("malformed-" + wire.getFrom());
      if (permit.isPresent()) {
        log.warn("dropped: {}{}", e.getMessage(), LogLimiter.suppressedNote(permit.getAsLong()));
      }
      return;
    }
    // Before the inbox: the runtime can then learn the address before the core answers the message.
    if (newAddress.isPresent()) tellListener(message.from(), newAddress.get());
    try {
      inbox.accept(message);
      counters.delivered.increment();
    } catch (RuntimeException e) {
      OptionalLong permit = logLimiter.permit("inbox");
      if (permit.isPresent()) log.error("inbox rejected a message from node {}{}",
          message.from(), LogLimiter.suppressedNote(permit.getAsLong()), e);
    }
  }

  /**
   * The sender's address when this message's (sender, address) pair is new and names one; throws
   * {@link IllegalArgumentException} when the address is malformed (and then remembers nothing, so
   * each following message with it is refused too).
   */
  private Optional<String> newSenderAddress(RaftMessage wire) {
    String address = wire.getFromAddress();
    if (wire.getFrom() == heardFrom && address.equals(heardAddress)) return Optional.empty(); // the hot path
    Optional<String> valid = MessageCodec.decodeFromAddress(wire);
    heardFrom = wire.getFrom();
    heardAddress = address;
    return valid;
  }

  private void tellListener(long sender, String address) {
    try {
      addressListener.heard(sender, address);
    } catch (RuntimeException e) {
      // The message itself is fine: deliver it anyway, and tell the listener again with the next one.
      heardFrom = 0;
      OptionalLong permit = logLimiter.permit("address-listener");
      if (permit.isPresent()) log.error("the peer address listener failed on node {} at {}{}",
          sender, address, LogLimiter.suppressedNote(permit.getAsLong()), e);
    }
  }

  @Override
  public void onError(Throwable t) {
    // The peer went away or cancelled; it reconnects on its own.
    finished = true;
    log.debug("stream from node {} ended: {}", lastSender, Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    if (finished) return;
    finished = true;
    call.onNext(StreamClosed.getDefaultInstance());
    call.onCompleted();
  }
}
