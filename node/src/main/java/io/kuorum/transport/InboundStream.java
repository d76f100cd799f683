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

/** One peer's inbound stream on the server: checks, decodes and delivers each message, then asks for the next. */
final class InboundStream implements StreamObserver<RaftMessage> {
  private static final Logger log = LoggerFactory.getLogger(InboundStream.class);

  private final long selfId;
  private final String clusterId;
  private final Consumer<Message> inbox;
  private final ServerCallStreamObserver<StreamClosed> call;
  private final RaftPeerService.Counters counters;
  private final LogLimiter logLimiter;
  // gRPC calls a StreamObserver serially, so plain fields suffice.
  private boolean finished;
  private long lastSender;

  InboundStream(long selfId, String clusterId, Consumer<Message> inbox, ServerCallStreamObserver<StreamClosed> call,
      RaftPeerService.Counters counters, LogLimiter logLimiter) {
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.inbox = inbox;
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
    try {
      message = MessageCodec.decode(wire);
    } catch (IllegalArgumentException e) {
      counters.malformed.increment();
      OptionalLong permit = logLimiter.permit("malformed-" + wire.getFrom());
      if (permit.isPresent()) {
        log.warn("dropped: {}{}", e.getMessage(), LogLimiter.suppressedNote(permit.getAsLong()));
      }
      return;
    }
    try {
      inbox.accept(message);
      counters.delivered.increment();
    } catch (RuntimeException e) {
      OptionalLong permit = logLimiter.permit("inbox");
      if (permit.isPresent()) log.error("inbox rejected a message from node {}{}",
          message.from(), LogLimiter.suppressedNote(permit.getAsLong()), e);
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
