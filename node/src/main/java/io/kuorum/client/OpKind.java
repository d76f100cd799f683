package io.kuorum.client;

/**
 * Reads and session writes may be repeated freely; other writes and membership changes only when
 * the server cannot have applied them.
 */
enum OpKind {
  READ,
  /** A write without a session: not repeated once it may have arrived. */
  WRITE,
  /**
   * A write that carries a session (dissertation §6.3): the cluster applies it at most once, so it
   * is retried like a read until its deadline; it ends in an unknown outcome only when an attempt
   * may have been applied and no later attempt got the answer.
   */
  SESSION_WRITE,
  /**
   * A change of the cluster's membership or leadership. Routed and retried like a write; the admin
   * service refuses it with FAILED_PRECONDITION before anything is proposed (a change in flight, a
   * learner not caught up), so that refusal is final rather than an unknown outcome.
   */
  MEMBERSHIP;

  /** Whether an attempt may change the cluster. */
  boolean changesState() {
    return this != READ;
  }

  /** Whether an attempt that may have arrived can be sent again, here or to another node. */
  boolean repeatable() {
    return this == READ || this == SESSION_WRITE;
  }
}
