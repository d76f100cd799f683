package io.kuorum.snapshot;

import java.io.IOException;
import java.io.OutputStream;

/** Streams a state machine's state into a snapshot file. It must not close {@code out} (closing it is ignored). */
@FunctionalInterface
public interface PayloadWriter {
  void writeTo(OutputStream out) throws IOException;
}
