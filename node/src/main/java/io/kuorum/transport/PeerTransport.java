package io.kuorum.transport;

import io.kuorum.raft.Message;

/**
 * Sends Raft messages to peers. Raft tolerates loss, duplication and reordering, so sending is
 * fire-and-forget: {@link #send} never blocks the caller (the core's thread), and a message for a
 * slow or unreachable peer may be dropped.
 */
public interface PeerTransport extends AutoCloseable {

  void send(Message message);

  /** Replaces the configured peers (member id to "host:port") after a membership change. */
  void updatePeers(java.util.Map<Long, String> peers);

  @Override
  void close();
}
