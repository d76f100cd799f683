package io.kuorum.client;

/** A running watch (see {@link KuorumClient#watch}); closing it stops it and its listener hears nothing more. */
public interface Watch extends AutoCloseable {

  /** The revision the watch would resume from after a reconnect: one past the last change or progress it saw. */
  long nextRevision();

  @Override
  void close();
}
