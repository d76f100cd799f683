package io.kuorum.cli;

/** Exit codes of kuorumctl; scripts branch on them, so they never change meaning. */
final class ExitCodes {
  static final int OK = 0;
  /** The key was not found, or a compare-and-set did not match. */
  static final int NOT_FOUND = 1;
  /** Bad command line, or input the server refused as invalid. */
  static final int USAGE = 2;
  /** No leader reachable in time; nothing was applied. */
  static final int UNAVAILABLE = 3;
  /** A write or membership change failed in a way that leaves open whether it was applied. */
  static final int OUTCOME_UNKNOWN = 4;
  /**
   * Any other failure: the server refused the request (overloaded; a membership change in flight or
   * a learner not caught up) or failed (internal error).
   */
  static final int FAILED = 5;

  static final String FOOTER =
      "%nExit codes: 0 ok, 1 key not found or compare-and-set mismatch, 2 usage or invalid input,"
          + " 3 cluster unavailable (nothing applied), 4 outcome of a write or membership change"
          + " unknown, 5 refused by the server, a snapshot file that does not verify, or other failure.";

  private ExitCodes() {}
}
