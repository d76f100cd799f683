package io.kuorum.client;

/**
 * Reads may be repeated freely; writes and membership changes only when the server cannot have
 * applied them.
 */
enum OpKind {
  READ,
  WRITE,
  /**
   * A change of the cluster's membership or leadership. Routed and retried like a write; the admin
   * service refuses it with FAILED_PRECONDITION before anything is proposed (a change in flight, a
   * learner not caught up), so that refusal is final rather than an unknown outcome.
   */
  MEMBERSHIP;

  /** Whether an attempt may change the cluster, and so is not repeated once it may have arrived. */
  boolean changesState() {
    return this != READ;
  }
}
