package io.kuorum.transport;

import io.kuorum.raft.Message;
import io.kuorum.raft.Snapshot;

/**
 * A snapshot that arrived whole: the header it came with and the sink's reference to the staged
 * bytes. The runtime checks and keeps the file, then gives the core the message it stands for.
 *
 * @param header who sent which snapshot, in what term
 * @param data what {@link StagedSnapshot#complete()} returned
 */
public record ReceivedSnapshot(SnapshotHeader header, byte[] data) {

  public ReceivedSnapshot {
    if (header == null || data == null) throw new IllegalArgumentException("header and data are required");
  }

  /** The core's InstallSnapshot, with {@code data} as the snapshot's data. */
  public Message.InstallSnapshot toMessage() {
    return new Message.InstallSnapshot(header.from(), header.to(), header.term(),
        new Snapshot(header.index(), header.snapshotTerm(), header.configuration(), data));
  }
}
