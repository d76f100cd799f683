package io.kuorum.client;

/** How fresh a read must be (see {@code Consistency} in kv.proto). */
public enum ReadConsistency {
  /** Served by the leader after a quorum confirmed it still leads: sees every write acknowledged before the call. */
  LINEARIZABLE,
  /** Served by whichever member answers, from its own state: faster, but it may miss recent writes. */
  SERIALIZABLE
}
