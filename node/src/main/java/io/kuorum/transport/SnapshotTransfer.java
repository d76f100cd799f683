package io.kuorum.transport;

import io.kuorum.raft.Snapshot;

/**
 * One snapshot to stream to a follower: the core's metadata and where its bytes come from.
 *
 * @param term the leader's term, carried to the follower as the InstallSnapshot message's term
 * @param snapshot index, term and configuration of the snapshot; its {@code data} (the runtime's
 *     reference to the file) stays on this node
 * @param source the snapshot's bytes
 */
public record SnapshotTransfer(long term, Snapshot snapshot, SnapshotSource source) {

  public SnapshotTransfer {
    if (snapshot == null || source == null) throw new IllegalArgumentException("a snapshot transfer needs a snapshot and a source");
    if (term < snapshot.term()) {
      throw new IllegalArgumentException("leader term " + term + " is below the snapshot's term " + snapshot.term());
    }
  }
}
