package io.kuorum.transport;

import io.kuorum.raft.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A peer server on 127.0.0.1 whose inbox records what arrives, and which records the sender addresses
 * it hears before passing them on to the listener set with {@link #onHeard}.
 */
final class LoopbackPeer implements AutoCloseable {
  final RaftPeerService service;
  final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Heard> heard = new ConcurrentLinkedQueue<>();
  private final PeerServer server;
  // Set after start: the node's transport, which a listener usually feeds, needs the port first.
  private volatile PeerAddressListener next = PeerAddressListener.NONE;

  record Heard(long memberId, String peerAddress) {}

  private LoopbackPeer(long id, String clusterId, int port, TransportLimits limits, TransportTimings timings) {
    service = new RaftPeerService(id, clusterId, inbox::add, (memberId, peerAddress) -> {
      heard.add(new Heard(memberId, peerAddress));
      next.heard(memberId, peerAddress);
    });
    try {
      server = PeerServer.start(new InetSocketAddress("127.0.0.1", port), service, limits, timings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoopbackPeer start(long id, String clusterId, int port, TransportLimits limits, TransportTimings timings) {
    return new LoopbackPeer(id, clusterId, port, limits, timings);
  }

  int port() {
    return server.port();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  void onHeard(PeerAddressListener listener) {
    next = listener;
  }

  List<Message> received() {
    return List.copyOf(inbox);
  }

  @Override
  public void close() {
    server.close();
  }
}
