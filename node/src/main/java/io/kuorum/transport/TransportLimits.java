package io.kuorum.transport;

/**
 * Size bounds of the peer transport.
 *
 * @param maxQueuedMessages messages waiting for one peer before new ones are dropped
 * @param maxQueuedBytes estimated bytes waiting for one peer before new ones are dropped
 * @param maxMessageBytes largest encoded message sent or accepted; the same on every node of a
 *     cluster, since a receiver resets a stream that carries a larger one
 */
public record TransportLimits(int maxQueuedMessages, long maxQueuedBytes, int maxMessageBytes) {

  public TransportLimits {
    if (maxQueuedMessages < 1) throw new IllegalArgumentException("maxQueuedMessages must be >= 1, got " + maxQueuedMessages);
    if (maxQueuedBytes < 1) throw new IllegalArgumentException("maxQueuedBytes must be >= 1, got " + maxQueuedBytes);
    if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
  }

  /** 4096 messages or 64 MiB queued per peer; messages up to 64 MiB. */
  public static final TransportLimits DEFAULT = new TransportLimits(4096, 64L << 20, 64 << 20);
}
