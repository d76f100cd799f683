package io.kuorum.kv;

/**
 * Bounds of the client session table (dissertation §6.3), shared by the state machine, which enforces
 * them, and the client, which stays within them. They are part of the replicated state's rules: every
 * member must use the same values, so they are constants, not settings.
 */
public final class SessionLimits {

  /** Sessions the table holds; opening one more evicts the least recently active. */
  public static final int MAX_SESSIONS = 10_000;
  /** How far past its lowest unanswered write a session may number a write. */
  public static final int WINDOW = 1_024;
  /** Bytes of unacknowledged answers one session may hold before its next write is refused. */
  public static final long MAX_SESSION_ANSWER_BYTES = 8L << 20;
  /** Bytes of unacknowledged answers all sessions together may hold before session writes are refused. */
  public static final long MAX_TABLE_ANSWER_BYTES = 256L << 20;
  public static final int DEFAULT_TTL_SECONDS = 120;
  public static final int MAX_TTL_SECONDS = 86_400;

  private SessionLimits() {}
}
