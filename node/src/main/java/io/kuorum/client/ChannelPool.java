package io.kuorum.client;

import io.grpc.ManagedChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/** One channel per address, opened on first use, all closed together. */
final class ChannelPool implements AutoCloseable {
  private static final long GRACE_MILLIS = 1000;

  private final ChannelFactory factory;
  private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ChannelPool(ChannelFactory factory) {
    this.factory = factory;
  }

  ManagedChannel channel(String address) {
    if (closed) {
      throw new IllegalStateException("the Kuorum client is closed");
    }
    ManagedChannel channel = channels.computeIfAbsent(address, factory::open);
    if (closed) {
      // close() ran while this channel was being opened and may have missed it.
      channel.shutdownNow();
      throw new IllegalStateException("the Kuorum client is closed");
    }
    return channel;
  }

  @Override
  public void close() {
    closed = true;
    channels.values().forEach(ManagedChannel::shutdown);
    boolean interrupted = false;
    for (ManagedChannel channel : channels.values()) {
      try {
        // Let calls in flight finish briefly, then cut them off.
        if (!channel.awaitTermination(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        interrupted = true;
        channel.shutdownNow();
      }
    }
    channels.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
