package io.kuorum.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of one snapshot, as the sending side reads them: typically a snapshot file on the
 * leader's disk. A transfer reads it from the start and, after a broken connection, again from the
 * offset the receiver holds, so the file must stay readable until the transfer ends: keep it open,
 * or pin it against retention and unpin it in {@link #close}.
 *
 * <p>Called only on the transport's snapshot threads, never on the caller of
 * {@link GrpcPeerTransport#send}, so its methods may block on disk. The transport closes every
 * source it was given exactly once, when the transfer ends whichever way (or at once, when the
 * request is ignored): a runtime that pins the file while a transfer reads it unpins it there.
 */
public interface SnapshotSource extends AutoCloseable {

  /** Total bytes; must not change while the transfer runs. */
  long size() throws IOException;

  /**
   * A stream of the bytes from {@code offset} (0 ≤ offset ≤ size) to the end. The transfer closes it
   * when it stops reading.
   */
  InputStream openAt(long offset) throws IOException;

  /** The transfer is over: release what was held for it. Must not throw. */
  @Override
  default void close() {}
}
