package io.kuorum.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One snapshot being received. The service calls {@link #write} with contiguous, CRC-checked chunks
 * from {@link #held()} on, then exactly one of {@link #complete} (every byte arrived),
 * {@link #abort} (the bytes are not to be trusted) or {@link #suspend} (the call broke off, the
 * sender may resume). Never called concurrently.
 */
public interface StagedSnapshot {

  /** Bytes held, contiguous from offset 0: where the next write starts. */
  long held();

  /**
   * Appends {@code data}, which starts at {@code offset} (always {@link #held()}). The buffer is
   * valid only during the call. On an exception the service aborts this snapshot.
   */
  void write(long offset, ByteBuffer data) throws IOException;

  /**
   * Every byte is here: makes the snapshot durable and returns the runtime's reference to it (like
   * the core's {@code Snapshot.data}, e.g. a file name). On an exception the service aborts it.
   */
  byte[] complete() throws IOException;

  /** Discards everything staged: the bytes are not to be trusted. Must not throw. */
  void abort();

  /**
   * The call broke off: keep the bytes held, for a later {@link SnapshotSink#begin} with the same
   * key to resume, but release what staging holds open (file handles). Must not throw.
   */
  void suspend();
}
