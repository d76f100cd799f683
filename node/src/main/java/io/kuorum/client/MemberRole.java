package io.kuorum.client;

/** What a member does in the configuration a node knows. */
public enum MemberRole {
  /** Votes; during a joint change, a voter of the new configuration. */
  VOTER,
  /** Receives the log, never votes or counts. */
  LEARNER,
  /** A voter of the old configuration but not the new one: it counts until the change completes. */
  OUTGOING_VOTER,
  /** The node did not say (a node older than roles, or a role this client does not know). */
  UNKNOWN
}
