package io.kuorum.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs the calls of the named methods on the connection's event loop instead of handing each one to
 * gRPC's executor: their handlers never block (they check the request and queue it for the Raft thread;
 * the answer is sent by whoever completes it), so the hand-off is pure cost. Measured on the leader
 * under 256 writing clients: gRPC's executor threads used about a fifth of the node's CPU. Every other
 * method (watches, snapshots, admin calls that may wait) keeps the executor.
 */
final class EventLoopCalls implements ServerCallExecutorSupplier {

  private static final Executor DIRECT = Runnable::run;

  private final Set<String> methods;

  /** {@code methods}: full method names, as in {@code KvServiceGrpc.getPutMethod().getFullMethodName()}. */
  EventLoopCalls(Set<String> methods) {
    this.methods = Set.copyOf(methods);
  }

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
    return methods.contains(call.getMethodDescriptor().getFullMethodName()) ? DIRECT : null;
  }
}
