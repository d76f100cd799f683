package io.kuorum.client;

/**
 * Reads, session opens and writes (every write carries the client's session) may be repeated freely;
 * membership changes only when the server cannot have applied them.
 */
enum OpKind {
  /** Any member may serve it (linearizable reads at followers, dissertation §6.4; serializable reads). */
  READ,
  /**
   * Opens a client session (§6.3): a log entry, so only the leader serves it. Repeated like a read: an
   * open applied twice only leaves an unused session behind, which the cluster forgets after its TTL.
   */
  OPEN_SESSION,
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

  /** Whether an attempt may change the cluster (an unused session left behind does not count). */
  boolean changesState() {
    return this != READ && this != OPEN_SESSION;
  }

  /** Whether an attempt that may have arrived can be sent again, here or to another node. */
  boolean repeatable() {
    return this == READ || this == OPEN_SESSION || this == SESSION_WRITE;
  }

  /**
   * Whether only the leader serves it, so the node that answered leads. A read may be answered by any
   * member: that one must not become the address the client's writes go to first.
   */
  boolean onlyLeaderServes() {
    return this != READ;
  }
}
