package io.kuorum.transport;

/**
 * Counters of the outbound snapshot transfers, since the transport started.
 *
 * @param started transfers begun
 * @param delivered transfers the receiver confirmed whole
 * @param failed transfers given up
 * @param cancelled transfers replaced by a newer snapshot, or stopped because the peer left or the
 *     transport closed
 * @param ignored requests for a snapshot already on its way to that peer
 * @param bytesSent data bytes written, over all calls
 */
public record SnapshotSenderStats(long started, long delivered, long failed, long cancelled, long ignored, long bytesSent) {}
