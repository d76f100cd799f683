package io.kuorum.transport;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.transport.proto.SnapshotChunk;
import io.kuorum.transport.proto.SnapshotReceipt;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inbound InstallSnapshot call: checks the header, tells the sender where to start, then checks
 * every chunk (contiguous, within the size, CRC32C) before it reaches the sink, and asks for the next
 * only after the sink took it, so a fast sender is held back by HTTP/2 flow control.
 *
 * <p>How a call ends decides what is kept. Whole: the sink completes the snapshot and the runtime
 * gets it. Broken connection or cancelled by the sender: the staged bytes stay with the sink, since
 * every one of them passed its check, and a new call resumes after them. Refused (a bad chunk, a
 * failing sink): the staged snapshot is aborted, so nothing half-trusted remains.
 *
 * <p>All methods are synchronized: gRPC calls them one at a time, but {@link #supersede} comes from
 * another call's thread.
 */
final class InboundSnapshot implements StreamObserver<SnapshotChunk> {
  private static final Logger log = LoggerFactory.getLogger(InboundSnapshot.class);

  private final long selfId;
  private final String clusterId;
  private final SnapshotSink sink;
  private final Consumer<ReceivedSnapshot> onReceived;
  private final InboundSnapshots registry;
  private final ServerCallStreamObserver<SnapshotReceipt> call;
  private final RaftPeerService.Counters counters;
  private final LogLimiter logLimiter;

  private Optional<SnapshotHeader> header = Optional.empty();
  private Optional<StagedSnapshot> staged = Optional.empty();
  private long held;
  private boolean finished;

  InboundSnapshot(long selfId, String clusterId, SnapshotSink sink, Consumer<ReceivedSnapshot> onReceived,
      InboundSnapshots registry, ServerCallStreamObserver<SnapshotReceipt> call, RaftPeerService.Counters counters,
      LogLimiter logLimiter) {
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.sink = sink;
    this.onReceived = onReceived;
    this.registry = registry;
    this.call = call;
    this.counters = counters;
    this.logLimiter = logLimiter;
  }

  @Override
  public synchronized void onNext(SnapshotChunk chunk) {
    if (finished) return;
    try {
      if (header.isEmpty()) {
        start(chunk);
      } else {
        accept(header.get(), staged.orElseThrow(), chunk);
      }
    } catch (StatusException e) {
      refuse(e.getStatus());
    }
  }

  private void start(SnapshotChunk chunk) throws StatusException {
    if (!chunk.hasHeader()) throw SnapshotWire.invalid("the first chunk of a snapshot call must carry the header");
    SnapshotHeader h = SnapshotWire.header(chunk.getHeader(), selfId, clusterId);
    if (!chunk.getData().isEmpty() || chunk.getLast() || chunk.getOffset() != 0) {
      throw SnapshotWire.invalid("the header chunk of " + h + " must carry no data, offset or last mark");
    }
    header = Optional.of(h);
    registry.claim(h.from(), this);
    StagedSnapshot s;
    try {
      s = sink.begin(h);
    } catch (IOException | RuntimeException e) {
      throw SnapshotWire.refuse(Status.UNAVAILABLE, "node " + selfId + " cannot stage " + h + ": " + e.getMessage());
    }
    staged = Optional.of(s);
    held = s.held();
    if (held < 0 || held > h.size()) {
      throw SnapshotWire.refuse(Status.INTERNAL, "the snapshot sink of node " + selfId + " claims to hold " + held
          + " bytes of " + h);
    }
    if (held > 0) {
      log.info("resuming {} at byte {}", h, held);
    } else {
      log.info("receiving {}", h);
    }
    call.onNext(SnapshotWire.receipt(held, false));
    call.request(1);
  }

  private void accept(SnapshotHeader h, StagedSnapshot s, SnapshotChunk chunk) throws StatusException {
    if (chunk.hasHeader()) throw SnapshotWire.invalid("only the first chunk of a snapshot call carries a header (" + h + ")");
    long offset = chunk.getOffset();
    int length = chunk.getData().size();
    if (offset != held) {
      throw SnapshotWire.invalid("chunk of " + h + " at offset " + Long.toUnsignedString(offset) + ", expected " + held
          + " (chunks must follow each other without gaps)");
    }
    if (length > h.size() - held) {
      throw SnapshotWire.invalid("chunk of " + length + " bytes at offset " + offset + " runs past the end of " + h);
    }
    boolean ends = held + length == h.size();
    if (chunk.getLast() != ends) {
      throw SnapshotWire.invalid(ends
          ? "chunk at offset " + offset + " reaches the end of " + h + " but is not marked last"
          : "chunk at offset " + offset + " is marked last but ends at " + (held + length) + " of " + h);
    }
    int crc = SnapshotWire.crc32c(chunk.getData());
    if (crc != chunk.getCrc32C()) {
      throw SnapshotWire.refuse(Status.DATA_LOSS, String.format("chunk of %s at offset %d is corrupt: CRC32C %08x, the "
          + "sender computed %08x", h, offset, crc, chunk.getCrc32C()));
    }
    try {
      if (length > 0) s.write(offset, chunk.getData().asReadOnlyByteBuffer());
    } catch (IOException | RuntimeException e) {
      throw SnapshotWire.refuse(Status.UNAVAILABLE, "node " + selfId + " cannot write " + h + " at offset " + offset + ": "
          + e.getMessage());
    }
    held += length;
    counters.snapshotBytes.add(length);
    if (ends) {
      complete(h, s);
    } else {
      call.request(1);
    }
  }

  private void complete(SnapshotHeader h, StagedSnapshot s) throws StatusException {
    byte[] data;
    try {
      data = s.complete();
    } catch (IOException | RuntimeException e) {
      throw SnapshotWire.refuse(Status.UNAVAILABLE, "node " + selfId + " cannot complete " + h + ": " + e.getMessage());
    }
    // The runtime owns the completed snapshot from here: nothing below may abort it.
    finished = true;
    staged = Optional.empty();
    registry.release(h.from(), this);
    counters.snapshotsReceived.increment();
    try {
      onReceived.accept(new ReceivedSnapshot(h, data));
    } catch (RuntimeException e) {
      log.error("the runtime failed to take {}", h, e);
      call.onError(Status.INTERNAL.withDescription("node " + selfId + " failed to take " + h + ": " + e.getMessage())
          .asRuntimeException());
      return;
    }
    log.info("received {}", h);
    call.onNext(SnapshotWire.receipt(held, true));
    call.onCompleted();
  }

  private void refuse(Status status) {
    finished = true;
    staged.ifPresent(StagedSnapshot::abort);
    staged = Optional.empty();
    header.ifPresent(h -> registry.release(h.from(), this));
    counters.snapshotsRefused.increment();
    OptionalLong permit = logLimiter.permit("snapshot-" + status.getCode());
    if (permit.isPresent()) {
      log.warn("refusing a snapshot: {} {}{}", status.getCode(), status.getDescription(),
          LogLimiter.suppressedNote(permit.getAsLong()));
    }
    call.onError(status.asRuntimeException());
  }

  /** A newer call of the same sender takes over: stop, and leave the staged bytes to it. */
  synchronized void supersede() {
    if (finished) return;
    finished = true;
    suspendStaged();
    String what = header.map(SnapshotHeader::toString).orElse("a snapshot");
    log.info("a newer call takes over {} at byte {}", what, held);
    call.onError(Status.ABORTED.withDescription("a newer call from the same node took over " + what).asRuntimeException());
  }

  @Override
  public synchronized void onError(Throwable t) {
    // The sender cancelled or the connection broke: every staged byte passed its check, keep them.
    if (finished) return;
    finished = true;
    suspendStaged();
    header.ifPresent(h -> {
      registry.release(h.from(), this);
      log.info("{} broke off at byte {} ({}); the sink keeps what arrived", h, held, Status.fromThrowable(t).getCode());
    });
  }

  @Override
  public synchronized void onCompleted() {
    if (finished) return;
    // The sender half-closed before the last chunk: a bug there, but what arrived was checked.
    finished = true;
    suspendStaged();
    header.ifPresent(h -> registry.release(h.from(), this));
    String what = header.map(SnapshotHeader::toString).orElse("a snapshot call");
    call.onError(Status.INVALID_ARGUMENT.withDescription("the sender ended " + what + " before its last chunk, at byte "
        + held).asRuntimeException());
  }

  private void suspendStaged() {
    try {
      staged.ifPresent(StagedSnapshot::suspend);
    } catch (RuntimeException e) {
      log.warn("the snapshot sink failed to suspend {}", header.map(SnapshotHeader::toString).orElse("a snapshot"), e);
    }
    staged = Optional.empty();
  }
}
