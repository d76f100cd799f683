package io.kuorum.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback addresses for tests over real sockets. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /** An address where nothing listens: the port was free a moment ago and is closed again. */
  public static String closed() {
    return "127.0.0.1:" + free();
  }

  /** A loopback port that was free a moment ago, for a server a test is about to start. */
  public static int free() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
