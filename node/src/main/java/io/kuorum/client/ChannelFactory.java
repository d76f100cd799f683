package io.kuorum.client;

import io.grpc.ManagedChannel;

/** Opens the channel to one address; tests substitute in-process channels. */
@FunctionalInterface
interface ChannelFactory {
  ManagedChannel open(String address);
}
