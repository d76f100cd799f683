package io.kuorum.transport;

/**
 * Size bounds of the peer transport.
 *
 * @param maxQueuedMessages messages waiting for one peer before new ones are dropped
 * @param maxQueuedBytes estimated bytes waiting for one peer before new ones are dropped
 * @param maxMessageBytes largest encoded message sent or accepted; the same on every node of a
 *     cluster, since a receiver resets a stream that carries a larger one
 * @param snapshotChunkBytes data bytes per snapshot chunk; at most {@code maxMessageBytes} less
 *     {@value #CHUNK_OVERHEAD_BYTES} for the chunk's other fields. Receivers accept any chunk within
 *     {@code maxMessageBytes}, so nodes may differ here.
 * @param snapshotAttempts calls a snapshot transfer makes in a row without the receiver holding more
 *     than before, before it gives up (the first call counts)
 */
public record TransportLimits(int maxQueuedMessages, long maxQueuedBytes, int maxMessageBytes, int snapshotChunkBytes,
    int snapshotAttempts) {

  /** Upper bound of a snapshot chunk's encoding besides its data: offset, CRC, flag and field tags. */
  static final int CHUNK_OVERHEAD_BYTES = 64;
  /** 1 MiB: large enough that per-chunk costs vanish, small enough to keep few bytes in flight. */
  static final int DEFAULT_SNAPSHOT_CHUNK_BYTES = 1 << 20;
  static final int DEFAULT_SNAPSHOT_ATTEMPTS = 8;

  public TransportLimits {
    if (maxQueuedMessages < 1) throw new IllegalArgumentException("maxQueuedMessages must be >= 1, got " + maxQueuedMessages);
    if (maxQueuedBytes < 1) throw new IllegalArgumentException("maxQueuedBytes must be >= 1, got " + maxQueuedBytes);
    if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
    if (snapshotChunkBytes < 1) throw new IllegalArgumentException("snapshotChunkBytes must be >= 1, got " + snapshotChunkBytes);
    // max(1, ...): tiny message limits (tests) stay constructible; their snapshots could never fit anyway.
    if (snapshotChunkBytes > Math.max(1, maxMessageBytes - CHUNK_OVERHEAD_BYTES)) {
      throw new IllegalArgumentException("snapshotChunkBytes " + snapshotChunkBytes + " does not fit in maxMessageBytes "
          + maxMessageBytes + " (a chunk needs up to " + CHUNK_OVERHEAD_BYTES + " bytes besides its data)");
    }
    if (snapshotAttempts < 1) throw new IllegalArgumentException("snapshotAttempts must be >= 1, got " + snapshotAttempts);
  }

  /** Bounds with the default snapshot settings: 1 MiB chunks (less when messages are smaller), 8 attempts. */
  public TransportLimits(int maxQueuedMessages, long maxQueuedBytes, int maxMessageBytes) {
    this(maxQueuedMessages, maxQueuedBytes, maxMessageBytes,
        Math.max(1, Math.min(DEFAULT_SNAPSHOT_CHUNK_BYTES, maxMessageBytes - CHUNK_OVERHEAD_BYTES)), DEFAULT_SNAPSHOT_ATTEMPTS);
  }

  /** 4096 messages or 64 MiB queued per peer; messages up to 64 MiB; 1 MiB snapshot chunks, 8 attempts. */
  public static final TransportLimits DEFAULT = new TransportLimits(4096, 64L << 20, 64 << 20);

  /** The same bounds with other snapshot chunk size and attempts. */
  public TransportLimits withSnapshots(int chunkBytes, int attempts) {
    return new TransportLimits(maxQueuedMessages, maxQueuedBytes, maxMessageBytes, chunkBytes, attempts);
  }
}
