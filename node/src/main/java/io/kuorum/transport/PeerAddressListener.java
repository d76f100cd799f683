package io.kuorum.transport;

/**
 * Told by {@link RaftPeerService} which peer address a sender advertises, so the runtime can answer
 * a member it has no address for yet (typically by {@link GrpcPeerTransport#learn}).
 *
 * <p>Called on gRPC's threads, before the message that carried the address reaches the inbox (so a
 * reply to it can already find its way), and only when a stream's sender or address is new, not for
 * every message. Implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface PeerAddressListener {

  /** Ignores every address: for a node that only listens, and for tests. */
  PeerAddressListener NONE = (memberId, peerAddress) -> {};

  /**
   * @param memberId the sender's member id, positive
   * @param peerAddress its advertised peer address, a validated "host:port"
   */
  void heard(long memberId, String peerAddress);
}
