package io.kuorum.client;

/** How fresh a read must be (see {@code Consistency} in kv.proto). */
public enum ReadConsistency {
  /**
   * Served by the leader, or by the member asked (which gets a read index from the leader), once a quorum
   * confirmed the leader still leads: sees every write acknowledged before the call.
   */
  LINEARIZABLE,
  /** Served by whichever member answers, from its own state: faster, but it may miss recent writes. */
  SERIALIZABLE,
  /**
   * Served by the leader from its state while its lease holds, with no quorum round (Raft dissertation
   * §6.4.1): linearizable as long as the members' clock rates stay within the lease's drift margin.
   */
  LEASE
}
