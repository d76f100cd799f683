package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kuorum.raft.Message;
import io.kuorum.transport.proto.RaftMessage;
import io.kuorum.transport.proto.RaftServiceGrpc;
import io.kuorum.transport.proto.StreamClosed;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiving side alone, driven by a raw client stream over gRPC's in-process transport. */
class RaftPeerServiceTest {
  private static final String CLUSTER = "alpha";

  private final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<LoopbackPeer.Heard> heard = new ConcurrentLinkedQueue<>();
  private final RaftPeerService service = new RaftPeerService(2, CLUSTER, inbox::add,
      (memberId, address) -> heard.add(new LoopbackPeer.Heard(memberId, address)));
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void deliversEveryKindInOrder() {
    var stream = new Outcome();
    var requests = RaftServiceGrpc.newStub(channel).stream(stream);
    List<Message> sent = Samples.allKinds(1, 2);

    sent.forEach(m -> requests.onNext(MessageCodec.encode(m, CLUSTER)));

    await().untilAsserted(() -> assertThat(inbox).containsExactlyElementsOf(sent));
    assertThat(service.delivered()).isEqualTo(sent.size());
  }

  @Test
  void deliversALongStreamOneRequestAtATime() {
    var requests = RaftServiceGrpc.newStub(channel).stream(new Outcome());
    List<Message> sent = LongStream.rangeClosed(1, 5000).mapToObj(i -> (Message) Samples.heartbeat(1, 2, i)).toList();

    sent.forEach(m -> requests.onNext(MessageCodec.encode(m, CLUSTER)));

    await().untilAsserted(() -> assertThat(inbox).hasSize(sent.size()));
    assertThat(inbox).containsExactlyElementsOf(sent);
  }

  @Test
  void asksForTheNextMessageOnlyAfterTheInboxReturns() throws IOException {
    var release = new CountDownLatch(1);
    var entered = new ConcurrentLinkedQueue<Message>();
    var slow = new RaftPeerService(2, CLUSTER, m -> {
      entered.add(m);
      awaitUninterruptibly(release); // a misbehaving inbox: it blocks
    });
    String name = InProcessServerBuilder.generateName();
    Server slowServer = InProcessServerBuilder.forName(name).addService(slow).build().start();
    ManagedChannel slowChannel = InProcessChannelBuilder.forName(name).build();
    try {
      var requests = (ClientCallStreamObserver<RaftMessage>) RaftServiceGrpc.newStub(slowChannel).stream(new Outcome());
      await().until(requests::isReady);

      requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 1), CLUSTER));
      await().until(() -> entered.size() == 1);

      // In-process, "ready" means the server has asked for more: it has not, so a sender that
      // respects isReady stops writing and its own bounded queue absorbs the flood.
      assertThat(requests.isReady()).isFalse();
      release.countDown();
      await().until(requests::isReady);
    } finally {
      release.countDown();
      slowChannel.shutdownNow();
      slowServer.shutdownNow();
    }
  }

  @Test
  void refusesAStreamFromAnotherCluster() {
    var outcome = new Outcome();
    var requests = RaftServiceGrpc.newStub(channel).stream(outcome);

    requests.onNext(MessageCodec.encode(Samples.heartbeat(7, 2, 1), "beta"));

    await().until(() -> outcome.error.get() != null);
    Status status = Status.fromThrowable(outcome.error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription())
        .contains("cluster id mismatch", "node 2 belongs to cluster 'alpha'", "node 7 sent a message for cluster 'beta'");
    assertThat(inbox).isEmpty();
    assertThat(service.refusedStreams()).isEqualTo(1);
  }

  @Test
  void refusesAStreamOfMessagesForAnotherNode() {
    var outcome = new Outcome();
    var requests = RaftServiceGrpc.newStub(channel).stream(outcome);

    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 3, 1), CLUSTER));

    await().until(() -> outcome.error.get() != null);
    Status status = Status.fromThrowable(outcome.error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).contains("node 1 sent a message for node 3 to node 2");
    assertThat(inbox).isEmpty();
  }

  @Test
  void dropsAMalformedMessageAndKeepsTheStream() {
    var outcome = new Outcome();
    var requests = RaftServiceGrpc.newStub(channel).stream(outcome);
    RaftMessage noBody = RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(1).setClusterId(CLUSTER).build();

    requests.onNext(noBody);
    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 9), CLUSTER));
    requests.onCompleted();

    await().until(() -> outcome.completed.get());
    assertThat(inbox).containsExactly(Samples.heartbeat(1, 2, 9));
    assertThat(service.malformed()).isEqualTo(1);
    assertThat(outcome.error.get()).isNull();
  }

  @Test
  void tellsTheListenerOnlyWhenAStreamsSenderOrAddressIsNew() {
    var first = RaftServiceGrpc.newStub(channel).stream(new Outcome());
    for (long i = 1; i <= 100; i++) first.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, i), CLUSTER, "10.0.0.1:7380"));
    await().untilAsserted(() -> assertThat(inbox).hasSize(100));
    assertThat(heard).containsExactly(new LoopbackPeer.Heard(1, "10.0.0.1:7380"));

    first.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 101), CLUSTER, "10.0.0.9:7380")); // moved
    first.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 102), CLUSTER, "10.0.0.9:7380"));
    await().untilAsserted(() -> assertThat(inbox).hasSize(102)); // streams run in parallel: keep the order known
    var second = RaftServiceGrpc.newStub(channel).stream(new Outcome()); // e.g. after a reconnect
    second.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 103), CLUSTER, "10.0.0.9:7380"));
    second.onNext(MessageCodec.encode(Samples.heartbeat(3, 2, 104), CLUSTER, "10.0.0.3:7380"));
    await().untilAsserted(() -> assertThat(inbox).hasSize(104));

    assertThat(heard).containsExactly(new LoopbackPeer.Heard(1, "10.0.0.1:7380"), new LoopbackPeer.Heard(1, "10.0.0.9:7380"),
        new LoopbackPeer.Heard(1, "10.0.0.9:7380"), new LoopbackPeer.Heard(3, "10.0.0.3:7380"));
  }

  @Test
  void ignoresAnEmptySenderAddress() {
    var requests = RaftServiceGrpc.newStub(channel).stream(new Outcome());

    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 1), CLUSTER));
    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 2), CLUSTER, ""));

    await().untilAsserted(() -> assertThat(inbox).hasSize(2));
    assertThat(heard).isEmpty();
  }

  @Test
  void tellsTheListenerBeforeTheInboxGetsTheMessage() throws IOException {
    var events = new ConcurrentLinkedQueue<String>();
    var ordered = new RaftPeerService(2, CLUSTER, m -> events.add("message " + ((Message.Heartbeat) m).commit()),
        (memberId, address) -> events.add("heard " + memberId + " at " + address));
    String name = InProcessServerBuilder.generateName();
    Server orderedServer = InProcessServerBuilder.forName(name).addService(ordered).build().start();
    ManagedChannel orderedChannel = InProcessChannelBuilder.forName(name).build();
    try {
      var requests = RaftServiceGrpc.newStub(orderedChannel).stream(new Outcome());
      requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 1), CLUSTER, "10.0.0.1:7380"));
      requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 2), CLUSTER, "10.0.0.1:7380"));

      await().untilAsserted(() -> assertThat(events).containsExactly("heard 1 at 10.0.0.1:7380", "message 1", "message 2"));
    } finally {
      orderedChannel.shutdownNow();
      orderedServer.shutdownNow();
    }
  }

  @Test
  void dropsAMessageWithAMalformedSenderAddressAndKeepsTheStream() {
    var outcome = new Outcome();
    var requests = RaftServiceGrpc.newStub(channel).stream(outcome);

    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 1), CLUSTER, "10.0.0.1"));
    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 2), CLUSTER, "10.0.0.1")); // still malformed
    requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, 3), CLUSTER, "10.0.0.1:7380"));
    requests.onCompleted();

    await().until(() -> outcome.completed.get());
    assertThat(inbox).containsExactly(Samples.heartbeat(1, 2, 3));
    assertThat(heard).containsExactly(new LoopbackPeer.Heard(1, "10.0.0.1:7380"));
    assertThat(service.malformed()).isEqualTo(2);
    assertThat(outcome.error.get()).isNull();
  }

  @Test
  void aFailingListenerDoesNotCostTheMessageAndIsToldAgain() throws IOException {
    var calls = new AtomicInteger();
    var failing = new RaftPeerService(2, CLUSTER, inbox::add, (memberId, address) -> {
      if (calls.incrementAndGet() == 1) throw new IllegalStateException("listener bug (expected by the test)");
    });
    String name = InProcessServerBuilder.generateName();
    Server failingServer = InProcessServerBuilder.forName(name).addService(failing).build().start();
    ManagedChannel failingChannel = InProcessChannelBuilder.forName(name).build();
    try {
      var requests = RaftServiceGrpc.newStub(failingChannel).stream(new Outcome());
      for (long i = 1; i <= 3; i++) requests.onNext(MessageCodec.encode(Samples.heartbeat(1, 2, i), CLUSTER, "10.0.0.1:7380"));

      await().untilAsserted(() -> assertThat(inbox).hasSize(3));
      assertThat(calls).hasValue(2);
      assertThat(failing.delivered()).isEqualTo(3);
    } finally {
      failingChannel.shutdownNow();
      failingServer.shutdownNow();
    }
  }

  @Test
  void rejectsAMissingListener() {
    assertThatThrownBy(() -> new RaftPeerService(2, CLUSTER, inbox::add, null))
        .hasMessageContaining("addressListener is required");
  }

  @Test
  void answersAHalfCloseWithStreamClosed() {
    var outcome = new Outcome();
    var requests = RaftServiceGrpc.newStub(channel).stream(outcome);

    requests.onCompleted();

    await().until(() -> outcome.completed.get());
    assertThat(outcome.responses).containsExactly(StreamClosed.getDefaultInstance());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** What the server answered on one stream. */
  private static final class Outcome implements StreamObserver<StreamClosed> {
    final ConcurrentLinkedQueue<StreamClosed> responses = new ConcurrentLinkedQueue<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void onNext(StreamClosed value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {
      completed.set(true);
    }
  }
}
