package io.kuorum.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.StatusException;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.transport.proto.SnapshotChunk;
import io.kuorum.transport.proto.SnapshotReceipt;
import java.util.zip.CRC32C;

/**
 * The wire form of snapshot transfers: building chunks and receipts, and checking an inbound header
 * into a {@link SnapshotHeader}. Refusals are {@link StatusException}s carrying the status the
 * receiver answers with.
 */
final class SnapshotWire {
  private SnapshotWire() {}

  static SnapshotChunk headerChunk(String clusterId, long from, long to, long term, io.kuorum.raft.Snapshot snapshot,
      long size, long transferId) {
    return SnapshotChunk.newBuilder()
        .setHeader(io.kuorum.transport.proto.SnapshotHeader.newBuilder()
            .setClusterId(clusterId)
            .setFrom(from)
            .setTo(to)
            .setTerm(term)
            .setIndex(snapshot.index())
            .setSnapshotTerm(snapshot.term())
            .setConfiguration(UnsafeByteOperations.unsafeWrap(snapshot.configuration().encode()))
            .setSize(size)
            .setTransferId(transferId))
        .build();
  }

  /** A data chunk; {@code data} is wrapped, not copied, so the caller must not reuse it. */
  static SnapshotChunk dataChunk(long offset, byte[] data, boolean last) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return SnapshotChunk.newBuilder()
        .setOffset(offset)
        .setData(UnsafeByteOperations.unsafeWrap(data))
        .setCrc32C((int) crc.getValue())
        .setLast(last)
        .build();
  }

  static int crc32c(ByteString data) {
    CRC32C crc = new CRC32C();
    crc.update(data.asReadOnlyByteBuffer());
    return (int) crc.getValue();
  }

  static SnapshotReceipt receipt(long held, boolean complete) {
    return SnapshotReceipt.newBuilder().setHeld(held).setComplete(complete).build();
  }

  /**
   * Checks the header of an inbound transfer: FAILED_PRECONDITION when it belongs to another cluster
   * or node (like a misdirected message stream), INVALID_ARGUMENT when a field is out of range.
   */
  static SnapshotHeader header(io.kuorum.transport.proto.SnapshotHeader h, long selfId, String clusterId)
      throws StatusException {
    String from = Long.toUnsignedString(h.getFrom());
    if (!clusterId.equals(h.getClusterId())) {
      throw refuse(Status.FAILED_PRECONDITION, "cluster id mismatch: node " + selfId + " belongs to cluster '" + clusterId
          + "' but node " + from + " sent a snapshot for cluster '" + h.getClusterId() + "'");
    }
    if (h.getTo() != selfId) {
      throw refuse(Status.FAILED_PRECONDITION, "misdirected snapshot: node " + from + " sent a snapshot for node "
          + Long.toUnsignedString(h.getTo()) + " to node " + selfId + " (check its peer addresses)");
    }
    String what = "snapshot header from node " + from;
    positive(what, "from", h.getFrom());
    positive(what, "term", h.getTerm());
    positive(what, "index", h.getIndex());
    positive(what, "snapshot_term", h.getSnapshotTerm());
    if (h.getSize() < 0) throw invalid(what + ": size " + Long.toUnsignedString(h.getSize()) + " must be < 2^63");
    if (h.getSnapshotTerm() > h.getTerm()) {
      throw invalid(what + ": snapshot_term " + h.getSnapshotTerm() + " is above the leader's term " + h.getTerm());
    }
    ConfigurationEntry configuration;
    try {
      configuration = ConfigurationEntry.decode(h.getConfiguration().toByteArray());
    } catch (IllegalArgumentException e) {
      throw invalid(what + ": configuration does not decode: " + e.getMessage());
    }
    return new SnapshotHeader(h.getFrom(), h.getTo(), h.getTerm(), h.getIndex(), h.getSnapshotTerm(), configuration,
        h.getSize(), h.getTransferId());
  }

  static StatusException invalid(String description) {
    return refuse(Status.INVALID_ARGUMENT, description);
  }

  static StatusException refuse(Status status, String description) {
    return status.withDescription(description).asException();
  }

  private static void positive(String what, String field, long value) throws StatusException {
    if (value <= 0) throw invalid(what + ": " + field + " is " + Long.toUnsignedString(value) + ", must be >= 1 and < 2^63");
  }
}
