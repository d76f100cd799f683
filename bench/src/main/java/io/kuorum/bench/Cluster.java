package io.kuorum.bench;

import java.util.List;
import java.util.Optional;

/** A running cluster of the system under test, as far as the comparison needs to see it. */
public interface Cluster extends AutoCloseable {

  /** The system's name in the results: {@code kuorum} or {@code etcd}. */
  String name();

  /** The leader's client endpoint ({@code host:port}) as the members report it; empty while none is known. */
  Optional<String> leader();

  /**
   * A new connection that sends to {@code endpoints.get(0)} and, should that member fail, to the
   * others in order, as the system's client does when given them.
   */
  Backend connect(List<String> endpoints);

  /**
   * Whether the member at {@code endpoint} answers and has everything the leader committed (asked
   * while the cluster is idle: after a member was restarted).
   */
  boolean caughtUp(String endpoint);

  /** Housekeeping before a run, outside what is measured; nothing by default. */
  default void prepare() {}

  @Override
  void close();
}
