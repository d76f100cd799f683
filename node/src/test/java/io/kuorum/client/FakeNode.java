package io.kuorum.client;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kuorum.admin.proto.AddLearnerRequest;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.ChangeVotersRequest;
import io.kuorum.admin.proto.MembershipResponse;
import io.kuorum.admin.proto.RemoveLearnerRequest;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.admin.proto.TransferLeadershipRequest;
import io.kuorum.admin.proto.TransferLeadershipResponse;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.OpenSessionResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A scripted stand-in for a Kuorum node: KvService and AdminService whose answers a test queues
 * per method ({@link #script}); once a method's queue is empty the node answers with {@link
 * #otherwise} (serving from the shared {@link FakeStore} by default, and membership calls from
 * the {@link FakeMembership} it is a {@link #member} of). It counts every call.
 */
public final class FakeNode implements AutoCloseable {
  private final FakeStore store;
  private final Map<String, Queue<Reply>> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private volatile Reply otherwise = Reply.serve();
  private volatile Supplier<StatusResponse> status = StatusResponse::getDefaultInstance;
  private volatile long memberId;
  private volatile FakeMembership membership;
  private final Server server;
  private final String address;

  private FakeNode(FakeStore store, Supplier<io.grpc.ServerBuilder<?>> builder, String name) {
    this.store = store;
    try {
      this.server = builder.get().addService(new Kv()).addService(new Admin()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.address = name.isEmpty() ? "127.0.0.1:" + server.getPort() : name;
  }

  /** A node reached through the in-process transport under the name {@code address}. */
  public static FakeNode inProcess(String address, FakeStore store) {
    return new FakeNode(
        store, () -> InProcessServerBuilder.forName(address).directExecutor(), address);
  }

  /** A node on a real loopback port (Netty), as the CLI reaches it. */
  public static FakeNode loopback(FakeStore store) {
    return new FakeNode(
        store,
        () ->
            NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InsecureServerCredentials.create()),
        "");
  }

  public String address() {
    return address;
  }

  /** Queues answers for the next calls of {@code method} ("Put", "Get", ..., "Status"). */
  public FakeNode script(String method, Reply... replies) {
    Queue<Reply> queue = scripts.computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>());
    queue.addAll(List.of(replies));
    return this;
  }

  /** The answer to every call once its script is used up. */
  public FakeNode otherwise(Reply reply) {
    this.otherwise = reply;
    return this;
  }

  public FakeNode status(StatusResponse response) {
    this.status = () -> response;
    return this;
  }

  /**
   * Makes this node member {@code id} of {@code shared}: its status and membership calls come from
   * there, and it redirects membership calls to the leader there unless it is the leader.
   */
  public FakeNode member(long id, FakeMembership shared) {
    this.memberId = id;
    this.membership = shared;
    this.status = () -> shared.status(id);
    return this;
  }

  public int calls(String method) {
    AtomicInteger count = calls.get(method);
    return count == null ? 0 : count.get();
  }

  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private <T> void answer(String method, StreamObserver<T> observer, Supplier<T> serve) {
    calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    Queue<Reply> queue = scripts.get(method);
    Reply reply = queue == null ? null : queue.poll();
    if (reply == null) {
      reply = otherwise;
    }
    if (reply instanceof Reply.ServeWhen when) {
      when.arrived().countDown();
      try {
        if (!when.proceed().await(10, TimeUnit.SECONDS)) {
          observer.onError(Status.DEADLINE_EXCEEDED.withDescription("the test never let the call proceed").asRuntimeException());
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        observer.onError(Status.CANCELLED.asRuntimeException());
        return;
      }
      reply = Reply.serve();
    }
    if (reply instanceof Reply.Fail fail) {
      observer.onError(fail.status().asRuntimeException(fail.trailers()));
    } else if (reply instanceof Reply.ServeThenFail lost) {
      try {
        serve.get();
      } catch (StatusRuntimeException e) {
        // refused by the store: the status below still stands for the lost answer
      }
      observer.onError(lost.status().asRuntimeException());
    } else if (reply instanceof Reply.Serve) {
      T response;
      try {
        response = serve.get();
      } catch (StatusRuntimeException e) {
        observer.onError(e);
        return;
      }
      observer.onNext(response);
      observer.onCompleted();
    }
    // Reply.Hang: leave the call open until the client gives up.
  }

  private final class Kv extends KvServiceGrpc.KvServiceImplBase {
    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
      answer("Put", observer, () -> store.put(request));
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> observer) {
      answer("Get", observer, () -> store.get(request));
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> observer) {
      answer("Delete", observer, () -> store.delete(request));
    }

    @Override
    public void compareAndSet(
        CompareAndSetRequest request, StreamObserver<CompareAndSetResponse> observer) {
      answer("CompareAndSet", observer, () -> store.compareAndSet(request));
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
      answer("Range", observer, () -> store.range(request));
    }

    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> observer) {
      answer("OpenSession", observer, () -> store.openSession(request));
    }
  }

  private final class Admin extends AdminServiceGrpc.AdminServiceImplBase {
    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
      answer("Status", observer, () -> status.get());
    }

    @Override
    public void addLearner(
        AddLearnerRequest request, StreamObserver<MembershipResponse> observer) {
      answer("AddLearner", observer, () -> membership().addLearner(memberId, request));
    }

    @Override
    public void removeLearner(
        RemoveLearnerRequest request, StreamObserver<MembershipResponse> observer) {
      answer("RemoveLearner", observer, () -> membership().removeLearner(memberId, request));
    }

    @Override
    public void changeVoters(
        ChangeVotersRequest request, StreamObserver<MembershipResponse> observer) {
      answer("ChangeVoters", observer, () -> membership().changeVoters(memberId, request));
    }

    @Override
    public void transferLeadership(
        TransferLeadershipRequest request, StreamObserver<TransferLeadershipResponse> observer) {
      answer(
          "TransferLeadership",
          observer,
          () -> membership().transferLeadership(memberId, request));
    }

    private FakeMembership membership() {
      FakeMembership shared = membership;
      if (shared == null) {
        throw Status.UNIMPLEMENTED
            .withDescription("this fake node is not a member of a FakeMembership")
            .asRuntimeException();
      }
      return shared;
    }
  }
}
