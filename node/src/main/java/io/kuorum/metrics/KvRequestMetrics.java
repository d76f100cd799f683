package io.kuorum.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Times every unary call of a service on the client port, from the call's arrival to its status:
 * {@code kuorum_kv_request_seconds{method="Put",status="OK"}}. A call the client cancels counts as
 * CANCELLED. Streaming calls (Watch) are not timed: their length is the watcher's, not the server's;
 * {@code kuorum_watch_watchers} counts them.
 */
public final class KvRequestMetrics implements ServerInterceptor {

  private final Histogram seconds;

  KvRequestMetrics(PrometheusRegistry registry) {
    seconds = Histogram.builder().name("kuorum_kv_request_seconds").unit(Unit.SECONDS)
        .help("Duration of unary KV requests on the client port, by method and gRPC status code")
        .labelNames("method", "status").classicOnly().classicUpperBounds(Buckets.REQUEST_SECONDS).register(registry);
  }

  /** {@code service} with every unary call timed; this interceptor sees the call before any of the service's own. */
  public ServerServiceDefinition timed(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(service, this);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) return next.startCall(call, headers);
    long start = System.nanoTime();
    String method = call.getMethodDescriptor().getBareMethodName();
    AtomicBoolean recorded = new AtomicBoolean();
    ServerCall<Q, R> timedCall = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        record(recorded, method, status.getCode(), start);
        super.close(status, trailers);
      }
    };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(timedCall, headers)) {
      @Override
      public void onCancel() {
        record(recorded, method, Status.Code.CANCELLED, start);
        super.onCancel();
      }
    };
  }

  private void record(AtomicBoolean recorded, String method, Status.Code code, long startNanos) {
    if (recorded.compareAndSet(false, true)) {
      seconds.labelValues(method, code.name()).observe(Buckets.seconds(System.nanoTime() - startNanos));
    }
  }
}
