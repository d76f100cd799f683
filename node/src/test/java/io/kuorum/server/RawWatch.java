package io.kuorum.server;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.WatchRequest;
import io.kuorum.kv.proto.WatchResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Watch call driven by hand: it reads only as many messages as the test asks for (gRPC flow control). */
final class RawWatch {

  record Closed(Status status, Metadata trailers) {}

  final List<WatchResponse> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final ClientCall<WatchRequest, WatchResponse> call;

  RawWatch(ManagedChannel channel, WatchRequest request, int initialRequest) {
    call = channel.newCall(KvServiceGrpc.getWatchMethod(), CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(WatchResponse message) {
        received.add(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(new Closed(status, trailers));
      }
    }, new Metadata());
    call.sendMessage(request);
    call.halfClose();
    if (initialRequest > 0) call.request(initialRequest);
  }

  void request(int messages) {
    call.request(messages);
  }

  void cancel() {
    call.cancel("test cancels", null);
  }

  /** Every event received so far, as "PUT key=value@rev" or "DELETE key@rev". */
  List<String> events() {
    return received.stream().flatMap(r -> r.getEventsList().stream()).map(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8()
        + (e.getType() == io.kuorum.kv.proto.WatchEvent.Type.PUT ? "=" + e.getKv().getValue().toStringUtf8() : "") + "@"
        + e.getKv().getRevision()).toList();
  }

  boolean created() {
    return !received.isEmpty() && received.get(0).getCreated();
  }
}
