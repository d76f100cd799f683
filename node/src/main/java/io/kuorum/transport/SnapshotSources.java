package io.kuorum.transport;

import io.kuorum.raft.Snapshot;
import java.io.IOException;
import java.util.Optional;

/**
 * The runtime's map from the core's {@link Snapshot} to its bytes. In the server runtime the
 * snapshot's {@code data} is a small reference (a file name) to a snapshot file, so the core can
 * send a multi-hundred-megabyte snapshot as a tiny message; {@link GrpcPeerTransport} asks this hook
 * for the file behind it and streams that.
 *
 * <p>Called on the transport's snapshot threads, once per transfer that starts (requests ignored as
 * duplicates never reach it).
 */
@FunctionalInterface
public interface SnapshotSources {

  /**
   * The bytes of {@code snapshot}, or empty when this node no longer has it (a newer snapshot
   * replaced it): the transfer then fails, and the core sends the newer one on its next attempt.
   *
   * @throws IOException when the snapshot exists but cannot be opened; the transfer fails with it
   */
  Optional<SnapshotSource> open(Snapshot snapshot) throws IOException;

  /** No snapshots to send: every InstallSnapshot fails, with a message saying the hook is missing. */
  SnapshotSources NONE = snapshot -> {
    throw new IOException("this node cannot send snapshots: no SnapshotSources was set (GrpcPeerTransport.useSnapshots)");
  };
}
