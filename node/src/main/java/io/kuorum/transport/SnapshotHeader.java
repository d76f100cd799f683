package io.kuorum.transport;

import io.kuorum.raft.ConfigurationEntry;

/**
 * What an inbound snapshot transfer is about, checked by the receiving service before any sink
 * sees it: it is for this node and this cluster, the indexes and terms are in range, the
 * configuration decodes.
 *
 * @param from the sending leader
 * @param to this node
 * @param term the leader's term
 * @param index last index the snapshot covers
 * @param snapshotTerm term of that entry
 * @param configuration the configuration at {@code index}
 * @param size total bytes of the snapshot file
 * @param transferId the sender's id for this transfer, the same in every call of it; for logs
 */
public record SnapshotHeader(long from, long to, long term, long index, long snapshotTerm,
    ConfigurationEntry configuration, long size, long transferId) {

  public SnapshotHeader {
    if (from < 1 || to < 1) throw new IllegalArgumentException("from and to must be >= 1, got " + from + " and " + to);
    if (index < 1 || snapshotTerm < 1) {
      throw new IllegalArgumentException("a snapshot covers index >= 1 of term >= 1, got " + index + "@" + snapshotTerm);
    }
    if (term < snapshotTerm) throw new IllegalArgumentException("leader term " + term + " is below the snapshot's term " + snapshotTerm);
    if (configuration == null) throw new IllegalArgumentException("configuration is required");
    if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
  }

  /**
   * What identifies the bytes: a sink may resume a partly staged snapshot for a header with the
   * same key, and must not for any other. A leader never takes two snapshots at the same index, so
   * sender, index and term name one file; the size is checked too, as a cheap guard.
   */
  public Key key() {
    return new Key(from, index, snapshotTerm, size);
  }

  public record Key(long from, long index, long snapshotTerm, long size) {
    @Override
    public String toString() {
      return "snapshot " + index + "@" + snapshotTerm + " of node " + from + " (" + size + " bytes)";
    }
  }

  @Override
  public String toString() {
    return "snapshot " + index + "@" + snapshotTerm + " from node " + from + " to node " + to + " in term " + term + ", "
        + size + " bytes, transfer " + Long.toHexString(transferId);
  }
}
