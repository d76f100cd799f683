package io.kuorum.transport;

import io.kuorum.raft.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A peer server on 127.0.0.1 whose inbox records what arrives. */
final class LoopbackPeer implements AutoCloseable {
  final RaftPeerService service;
  final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
  private final PeerServer server;

  private LoopbackPeer(long id, String clusterId, int port, TransportLimits limits, TransportTimings timings) {
    service = new RaftPeerService(id, clusterId, inbox::add);
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

  List<Message> received() {
    return List.copyOf(inbox);
  }

  @Override
  public void close() {
    server.close();
  }
}
