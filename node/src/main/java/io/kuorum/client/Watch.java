package io.kuorum.client;

/**
 * A running watch (see {@link KuorumClient#watch}). Closing it stops it: its listener hears nothing
 * more, apart from the end of a callback already running on another thread when close() was called
 * (a listener that closes the watch from its own callback hears nothing after that callback).
 */
public interface Watch extends AutoCloseable {

  /** The revision the watch would resume from after a reconnect: one past the last change or progress it saw. */
  long nextRevision();

  @Override
  void close();
}
