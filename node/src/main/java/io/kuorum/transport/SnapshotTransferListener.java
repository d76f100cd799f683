package io.kuorum.transport;

/**
 * Hears how each outbound snapshot transfer ended. A delivered transfer means only that the
 * follower's transport staged the bytes and handed them to its runtime: whether the follower
 * installed the snapshot comes back as an ordinary Raft message (its AppendResponse). A failed one
 * is the runtime's cue to tell the core, so the follower is probed again (or, when the core is
 * left alone, its stall check resends the snapshot, which resumes where the follower stopped).
 *
 * <p>Called on the transport's snapshot threads, once per transfer that started: thread-safe,
 * must not block.
 */
@FunctionalInterface
public interface SnapshotTransferListener {

  void finished(SnapshotTransferResult result);

  SnapshotTransferListener NONE = result -> {};
}
