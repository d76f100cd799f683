package io.kuorum.client;

/** What to do after an attempt failed. */
enum Verdict {
  /** Not the leader, which was named: go there. */
  REDIRECT,
  /** Not served and retryable: try the next endpoint after a pause. */
  RETRY_NEXT,
  /** Not applied because of a leader change: ask the same node again after a pause. */
  RETRY_SAME,
  /** Refused for good (bad input, overload, unsupported): report it, do not retry. */
  REJECTED,
  /** A write that may have been applied: report it, never retry. */
  OUTCOME_UNKNOWN
}
