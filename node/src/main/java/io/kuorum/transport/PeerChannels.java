package io.kuorum.transport;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.util.concurrent.TimeUnit;

/** Channels to a peer's port, set up alike for the message stream and for snapshot transfers. */
final class PeerChannels {
  private PeerChannels() {}

  static ManagedChannel open(String address, TransportTimings timings) {
    return NettyChannelBuilder.forTarget(address)
        .usePlaintext()
        // Retries would buffer every message of a long-lived stream that never gets headers back.
        .disableRetry()
        .keepAliveTime(timings.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(timings.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timings.connectTimeout().toMillis()))
        .build();
  }
}
