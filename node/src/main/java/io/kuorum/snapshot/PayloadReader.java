package io.kuorum.snapshot;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a state machine's state back from a snapshot's payload. It should read to the end: the
 * end-of-stream read is where the file's checksum is checked once more (see {@link SnapshotFile#openPayload()}).
 * Malformed content is reported with an {@link IllegalArgumentException}.
 */
@FunctionalInterface
public interface PayloadReader {
  void readFrom(InputStream payload) throws IOException;
}
