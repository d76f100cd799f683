package io.kuorum.transport;

import io.kuorum.raft.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A peer server on 127.0.0.1 whose inbox records what arrives, and which records the sender addresses
 * it hears before passing them on to the listener set with {@link #onHeard}. Started with a sink,
 * it also receives snapshots and records each that arrives whole.
 */
final class LoopbackPeer implements AutoCloseable {
  final RaftPeerService service;
  final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Heard> heard = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<ReceivedSnapshot> snapshots = new ConcurrentLinkedQueue<>();
  private final PeerServer server;
  // Set after start: the node's transport, which a listener usually feeds, needs the port first.
  private volatile PeerAddressListener next = PeerAddressListener.NONE;

  record Heard(long memberId, String peerAddress) {}

  private LoopbackPeer(long id, String clusterId, int port, TransportLimits limits, TransportTimings timings,
      Optional<SnapshotSink> sink) {
    PeerAddressListener listener = (memberId, peerAddress) -> {
      heard.add(new Heard(memberId, peerAddress));
      next.heard(memberId, peerAddress);
    };
    service = sink.isPresent()
        ? new RaftPeerService(id, clusterId, inbox::add, listener, sink.get(), snapshots::add)
        : new RaftPeerService(id, clusterId, inbox::add, listener);
    try {
      server = PeerServer.start(new InetSocketAddress("127.0.0.1", port), service, limits, timings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoopbackPeer start(long id, String clusterId, int port, TransportLimits limits, TransportTimings timings) {
    return new LoopbackPeer(id, clusterId, port, limits, timings, Optional.empty());
  }

  static LoopbackPeer start(long id, String clusterId, int port, TransportLimits limits, TransportTimings timings,
      SnapshotSink sink) {
    return new LoopbackPeer(id, clusterId, port, limits, timings, Optional.of(sink));
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
