package io.kuorum.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback addresses for tests over real sockets. */
public final class LoopbackPorts {

  /**
   * Ports handed out lie below Linux's ephemeral range (32768 and up): a port the kernel gives out
   * for "any free port" can be taken, between the check and the server's bind, as the source port of
   * some outgoing connection (seen in CI: "Address already in use" on a port found free a moment
   * before). Below the range no outgoing connection takes it, and the counter never hands out one twice.
   */
  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;
  private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

  private LoopbackPorts() {}

  /** An address where nothing listens: the port was free a moment ago and is closed again. */
  public static String closed() {
    return "127.0.0.1:" + free();
  }

  /** A loopback port that was free a moment ago, for a server a test is about to start. */
  public static int free() {
    for (int tries = 0; tries < COUNT; tries++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
      try (var socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException inUse) {
        // another process listens there: try the next
      }
    }
    throw new IllegalStateException("no free loopback port in " + FIRST + ".." + (FIRST + COUNT - 1));
  }
}
