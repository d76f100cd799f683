package io.kuorum.transport;

import java.time.Duration;

/**
 * How one outbound snapshot transfer ended.
 *
 * @param to the follower
 * @param term the leader's term the transfer was sent in
 * @param index last index the snapshot covers
 * @param snapshotTerm term of that entry
 * @param outcome how it ended
 * @param size the snapshot's size in bytes (0 when the source could not say)
 * @param bytesSent data bytes written over all calls, more than {@code size} when a call was cut
 *     off after the receiver had stored less than was sent
 * @param calls calls made, 1 unless the transfer resumed
 * @param elapsed from the request to the end
 * @param detail why it failed or was cancelled; empty when delivered
 */
public record SnapshotTransferResult(long to, long term, long index, long snapshotTerm, Outcome outcome, long size,
    long bytesSent, int calls, Duration elapsed, String detail) {

  public enum Outcome {
    /** The follower holds every byte, checked chunk by chunk, and its runtime has the snapshot. */
    DELIVERED,
    /** Given up: refused by the follower, past the deadline, out of attempts, or the source failed. */
    FAILED,
    /** Stopped by this node: a newer snapshot replaced it, the follower left, or the transport closed. */
    CANCELLED
  }

  public SnapshotTransferResult {
    if (outcome == null || elapsed == null || detail == null) {
      throw new IllegalArgumentException("outcome, elapsed and detail are required");
    }
  }

  public boolean delivered() {
    return outcome == Outcome.DELIVERED;
  }
}
