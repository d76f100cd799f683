package io.kuorum.client;

import io.kuorum.kv.SessionLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link KuorumClient}.
 *
 * @param deadline time an operation may take in total, leader discovery and retries included
 * @param initialBackoff pause before the first retry; doubles on every further retry
 * @param maxBackoff cap of the doubling pause
 * @param readAttemptTimeout time one attempt of a read or a write may take before it is tried on
 *     another node (a hung node should not eat an operation's whole deadline; writes carry the
 *     client's session, so a write sent twice is applied once)
 * @param connectTimeout TCP connect timeout, so that an address that swallows packets fails fast
 *     and the client moves on to the next endpoint
 * @param membershipDeadline what {@code deadline} is for membership changes and leadership
 *     transfers: they wait for configuration entries to commit (two of them for a change of
 *     voters) or for an election, which can take seconds, and one cut short by its deadline ends
 *     in an unknown outcome that has to be resolved by hand
 * @param sessionTtl how long the cluster keeps the client's session without a write, 1 s to 24 h
 *     (whole seconds): a retry must reach the cluster within it; after it the next write opens a
 *     new session, at the cost of one more log entry
 */
public record ClientOptions(
    Duration deadline,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration readAttemptTimeout,
    Duration connectTimeout,
    Duration membershipDeadline,
    Duration sessionTtl) {

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(20);
  /**
   * Short, because the common reason to retry is an election, which ends within an election timeout or
   * two: with a 500 ms cap a client found the new leader up to half a second after it was elected
   * (measured in the failover run of bench/compare-etcd.sh). 100 ms costs at most ten tries a second.
   */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_READ_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MEMBERSHIP_DEADLINE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(2);

  public ClientOptions {
    requirePositive(deadline, "deadline");
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    requirePositive(readAttemptTimeout, "readAttemptTimeout");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(membershipDeadline, "membershipDeadline");
    requirePositive(sessionTtl, "sessionTtl");
    if (sessionTtl.toSeconds() < 1 || sessionTtl.toSeconds() > SessionLimits.MAX_TTL_SECONDS || sessionTtl.toNanosPart() != 0) {
      throw new IllegalArgumentException("sessionTtl must be whole seconds from 1s to 24h, was " + sessionTtl);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
    }
  }

  /**
   * Deadline 5 s, backoff 20 ms doubling to 100 ms, attempts 2 s, connect 1 s, membership
   * changes 30 s, session TTL 2 min.
   */
  public static ClientOptions defaults() {
    return new ClientOptions(
        DEFAULT_DEADLINE,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_READ_ATTEMPT_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_MEMBERSHIP_DEADLINE,
        DEFAULT_SESSION_TTL);
  }

  public ClientOptions withDeadline(Duration value) {
    return new ClientOptions(
        value, initialBackoff, maxBackoff, readAttemptTimeout, connectTimeout, membershipDeadline, sessionTtl);
  }

  public ClientOptions withBackoff(Duration initial, Duration max) {
    return new ClientOptions(
        deadline, initial, max, readAttemptTimeout, connectTimeout, membershipDeadline, sessionTtl);
  }

  public ClientOptions withReadAttemptTimeout(Duration value) {
    return new ClientOptions(
        deadline, initialBackoff, maxBackoff, value, connectTimeout, membershipDeadline, sessionTtl);
  }

  public ClientOptions withConnectTimeout(Duration value) {
    return new ClientOptions(
        deadline, initialBackoff, maxBackoff, readAttemptTimeout, value, membershipDeadline, sessionTtl);
  }

  public ClientOptions withMembershipDeadline(Duration value) {
    return new ClientOptions(
        deadline, initialBackoff, maxBackoff, readAttemptTimeout, connectTimeout, value, sessionTtl);
  }

  public ClientOptions withSessionTtl(Duration value) {
    return new ClientOptions(deadline, initialBackoff, maxBackoff, readAttemptTimeout, connectTimeout,
        membershipDeadline, value);
  }

  /** The deadline of one operation of this kind. */
  Duration deadlineFor(OpKind kind) {
    return kind == OpKind.MEMBERSHIP ? membershipDeadline : deadline;
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
