package io.kuorum.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link KuorumClient}.
 *
 * @param deadline time an operation may take in total, leader discovery and retries included
 * @param initialBackoff pause before the first retry; doubles on every further retry
 * @param maxBackoff cap of the doubling pause
 * @param readAttemptTimeout time one attempt of a read may take before it is tried on another node
 *     (a hung node should not eat a read's whole deadline; writes cannot be re-sent this way, so a
 *     write attempt always gets the rest of the deadline)
 * @param connectTimeout TCP connect timeout, so that an address that swallows packets fails fast
 *     and the client moves on to the next endpoint
 * @param membershipDeadline what {@code deadline} is for membership changes and leadership
 *     transfers: they wait for configuration entries to commit (two of them for a change of
 *     voters) or for an election, which can take seconds, and one cut short by its deadline ends
 *     in an unknown outcome that has to be resolved by hand
 */
public record ClientOptions(
    Duration deadline,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration readAttemptTimeout,
    Duration connectTimeout,
    Duration membershipDeadline) {

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(20);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_READ_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MEMBERSHIP_DEADLINE = Duration.ofSeconds(30);

  public ClientOptions {
    requirePositive(deadline, "deadline");
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    requirePositive(readAttemptTimeout, "readAttemptTimeout");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(membershipDeadline, "membershipDeadline");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
    }
  }

  /**
   * Deadline 5 s, backoff 20 ms doubling to 500 ms, read attempts 2 s, connect 1 s, membership
   * changes 30 s.
   */
  public static ClientOptions defaults() {
    return new ClientOptions(
        DEFAULT_DEADLINE,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_READ_ATTEMPT_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_MEMBERSHIP_DEADLINE);
  }

  public ClientOptions withDeadline(Duration value) {
    return new ClientOptions(
        value, initialBackoff, maxBackoff, readAttemptTimeout, connectTimeout, membershipDeadline);
  }

  public ClientOptions withBackoff(Duration initial, Duration max) {
    return new ClientOptions(
        deadline, initial, max, readAttemptTimeout, connectTimeout, membershipDeadline);
  }

  public ClientOptions withReadAttemptTimeout(Duration value) {
    return new ClientOptions(
        deadline, initialBackoff, maxBackoff, value, connectTimeout, membershipDeadline);
  }

  public ClientOptions withConnectTimeout(Duration value) {
    return new ClientOptions(
        deadline, initialBackoff, maxBackoff, readAttemptTimeout, value, membershipDeadline);
  }

  public ClientOptions withMembershipDeadline(Duration value) {
    return new ClientOptions(
        deadline, initialBackoff, maxBackoff, readAttemptTimeout, connectTimeout, value);
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
