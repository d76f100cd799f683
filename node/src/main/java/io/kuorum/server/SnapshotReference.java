package io.kuorum.server;

import io.kuorum.raft.Snapshot;
import io.kuorum.snapshot.SnapshotMeta;
import io.kuorum.snapshot.SnapshotName;
import java.nio.charset.StandardCharsets;

/**
 * How this runtime fills a core {@link Snapshot}'s opaque data: the snapshot file's name in the
 * snapshot directory, never the state itself (a state of a million keys must not be one array).
 */
final class SnapshotReference {

  private SnapshotReference() {}

  /** The core's view of the snapshot file described by {@code meta}. */
  static Snapshot toCore(SnapshotMeta meta) {
    return new Snapshot(meta.index(), meta.term(), meta.configuration(), data(meta.name()));
  }

  static byte[] data(SnapshotName name) {
    return name.fileName().getBytes(StandardCharsets.US_ASCII);
  }

  /** The file a core snapshot refers to. */
  static SnapshotName nameOf(Snapshot snapshot) {
    String text = new String(snapshot.data(), StandardCharsets.US_ASCII);
    return SnapshotName.parse(text).orElseThrow(() -> new IllegalStateException("snapshot " + snapshot
        + " does not name a snapshot file ('" + text + "')"));
  }
}
