package io.kuorum.transport;

/**
 * Counters of one peer link, as a snapshot.
 *
 * @param sent messages handed to the peer's stream (not a delivery guarantee)
 * @param dropped messages given up: queue full, too large, stream failed or transport closed
 * @param reconnects streams opened after the first one
 */
public record PeerStats(long sent, long dropped, long reconnects) {}
