package io.kuorum.transport;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer port's gRPC server, configured to match {@link GrpcPeerTransport}: same message size
 * limit, client keepalive pings allowed, dead clients detected by its own pings.
 */
public final class PeerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerServer.class);
  /** A peer needs one stream, two while replacing a broken one; more is misbehaviour. */
  private static final int MAX_STREAMS_PER_CONNECTION = 16;
  /** gRPC clients ping at most every 10 s; refuse anything faster as abuse. */
  private static final long PERMIT_KEEPALIVE_SECONDS = 5;

  private final Server server;
  private final TransportTimings timings;

  private PeerServer(Server server, TransportTimings timings) {
    this.server = server;
    this.timings = timings;
  }

  /** Binds and starts; use port 0 for an ephemeral port and read it back with {@link #port()}. */
  public static PeerServer start(InetSocketAddress bind, RaftPeerService service, TransportLimits limits,
      TransportTimings timings) throws IOException {
    return new PeerServer(configure(NettyServerBuilder.forAddress(bind), service, limits, timings).build().start(), timings);
  }

  /**
   * Applies the peer port's settings to a builder the caller binds itself. The keepalive permit is
   * not optional: with gRPC's default (one ping per 5 min) the server would answer the transport's
   * 10 s pings with GOAWAY and break every stream that carries no reply traffic.
   */
  public static NettyServerBuilder configure(NettyServerBuilder builder, RaftPeerService service, TransportLimits limits,
      TransportTimings timings) {
    return builder
        .addService(service)
        .maxInboundMessageSize(limits.maxMessageBytes())
        .maxConcurrentCallsPerConnection(MAX_STREAMS_PER_CONNECTION)
        .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(timings.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(timings.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  public int port() {
    return server.getPort();
  }

  /** Stops accepting, cancels open streams, waits at most {@code closeTimeout}. Idempotent. */
  @Override
  public void close() {
    // Peers reconnect anyway, so there is nothing to gain from a graceful drain.
    server.shutdownNow();
    try {
      if (!server.awaitTermination(timings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("peer server did not terminate within {}", timings.closeTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
