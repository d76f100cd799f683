package io.kuorum.client;

import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.time.Duration;

/** Plaintext Netty channels, one per {@code host:port}. */
final class NettyChannelFactory implements ChannelFactory {
  /** Range replies can carry many keys; gRPC's 4 MiB default would refuse large ones. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final Duration connectTimeout;

  NettyChannelFactory(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  @Override
  public ManagedChannel open(String address) {
    return NettyChannelBuilder.forTarget(address, InsecureChannelCredentials.create())
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        // RetryingCaller retries, knowing what a retry may repeat; gRPC's own (transparent) retry would
        // buffer every request for a replay we never want
        .disableRetry()
        .build();
  }
}
