package io.kuorum.transport;

import java.io.IOException;

/**
 * Where the receiving side stages inbound snapshots, provided by the runtime (typically a temporary
 * file in its snapshots directory). The service writes each verified chunk to the staged snapshot in
 * order, then completes it and hands the result to the runtime.
 *
 * <p>Called on gRPC's threads, at most one call per sender at a time; it may block on disk.
 */
@FunctionalInterface
public interface SnapshotSink {

  /**
   * Starts staging the snapshot {@code header} describes, or resumes one: a sink that still holds
   * the first bytes of a snapshot with the same {@link SnapshotHeader#key()} (an earlier call was cut
   * off) returns it with {@link StagedSnapshot#held()} above 0, and the sender continues from
   * there. Anything else it holds for the same sender may be dropped: a sender streams one snapshot
   * at a time.
   *
   * @throws IOException when it cannot stage now (disk full, say): the sender retries later
   */
  StagedSnapshot begin(SnapshotHeader header) throws IOException;
}
