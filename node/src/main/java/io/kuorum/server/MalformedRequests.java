package io.kuorum.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Makes a request that is not valid protobuf fail with INVALID_ARGUMENT naming the method, rather
 * than gRPC's generic UNKNOWN: it is the caller's mistake, not the server's. The service is switched
 * to raw messages so that parsing happens inside the call, where this interceptor can answer it.
 */
final class MalformedRequests implements ServerInterceptor {

  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), new MalformedRequests());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message); // parses the request
        } catch (StatusRuntimeException | IllegalArgumentException e) {
          refused = true;
          call.close(Status.INVALID_ARGUMENT.withDescription("malformed request to "
              + call.getMethodDescriptor().getFullMethodName() + ": the payload is not a valid request message ("
              + e.getMessage() + ")"), new Metadata());
        }
      }

      @Override
      public void onHalfClose() {
        if (!refused) super.onHalfClose();
      }
    };
  }
}
