package io.kuorum.server;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * Makes a request that is not valid protobuf fail with INVALID_ARGUMENT naming the method, rather
 * than gRPC's generic INTERNAL: it is the caller's mistake, not the server's.
 */
final class MalformedRequests {

  private MalformedRequests() {}

  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) b.addMethod(guard(m));
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> d = method.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> inner = d.getRequestMarshaller();
    MethodDescriptor.Marshaller<Q> checked = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Q value) {
        return inner.stream(value);
      }

      @Override
      public Q parse(InputStream stream) {
        try {
          return inner.parse(stream);
        } catch (StatusRuntimeException | IllegalArgumentException e) {
          throw Status.INVALID_ARGUMENT.withDescription("malformed request to " + d.getFullMethodName()
              + ": the payload is not a valid request message (" + e.getMessage() + ")").asRuntimeException();
        }
      }
    };
    return ServerMethodDefinition.create(d.toBuilder().setRequestMarshaller(checked).build(), method.getServerCallHandler());
  }
}
