package io.kuorum.client;

import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake nodes on the in-process transport sharing one store, named uniquely per instance so tests
 * never see each other's servers. A name without a server behaves like a node that is down.
 */
final class InProcessCluster implements AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Quick retries keep the tests fast; deadlines stay generous unless a test shortens them. */
  static final ClientOptions FAST =
      ClientOptions.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(5));

  private final String suffix = ".c" + INSTANCES.incrementAndGet() + ".test:7379";
  private final FakeStore store = new FakeStore();
  private final List<FakeNode> nodes = new ArrayList<>();
  private final List<KuorumClient> clients = new ArrayList<>();

  InProcessCluster(int size) {
    for (int i = 1; i <= size; i++) {
      nodes.add(FakeNode.inProcess(address("n" + i), store));
    }
  }

  /** Node {@code i}, counting from 1. */
  FakeNode node(int i) {
    return nodes.get(i - 1);
  }

  /** Calls of {@code method} over every node. */
  int totalCalls(String method) {
    return nodes.stream().mapToInt(n -> n.calls(method)).sum();
  }

  /** One more node, not among {@link #endpoints()}. */
  FakeNode extraNode(String name) {
    FakeNode node = FakeNode.inProcess(address(name), store);
    nodes.add(node);
    return node;
  }

  /** An address nobody serves. */
  String down(String name) {
    return address(name);
  }

  FakeStore store() {
    return store;
  }

  List<String> endpoints() {
    return nodes.stream().map(FakeNode::address).toList();
  }

  KuorumClient client(ClientOptions options) {
    return client(endpoints(), options);
  }

  KuorumClient client(List<String> endpoints, ClientOptions options) {
    KuorumClient client =
        KuorumClient.connect(
            endpoints,
            options,
            address -> InProcessChannelBuilder.forName(address).directExecutor().build());
    clients.add(client);
    return client;
  }

  private String address(String name) {
    return name + suffix;
  }

  @Override
  public void close() throws InterruptedException {
    clients.forEach(KuorumClient::close);
    for (FakeNode node : nodes) {
      node.close();
    }
  }
}
