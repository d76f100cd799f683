package io.kuorum.client;

import java.time.Duration;

/**
 * Where and when one operation tries next after a retryable failure: redirects are followed at
 * once (a few in a row; more suggests nodes naming each other mid-election, so then it pauses),
 * everything else pauses with a doubling backoff.
 */
final class RetrySchedule {
  static final int FREE_REDIRECTS = 3;

  private final LeaderRouter router;
  private final Backoff backoff;
  private int redirectsInARow;

  RetrySchedule(LeaderRouter router, Backoff backoff) {
    this.router = router;
    this.backoff = backoff;
  }

  /** The next attempt. */
  record Step(String address, Duration pause) {}

  /** The step after {@code failure} at {@code address}; the verdict must be a retry or redirect. */
  Step next(Failure failure, String address) {
    if (failure.verdict() == Verdict.REDIRECT) {
      String leader = failure.leaderAddress().orElseThrow();
      router.leaderAt(leader);
      if (++redirectsInARow > FREE_REDIRECTS) {
        redirectsInARow = 0;
        return new Step(leader, backoff.next());
      }
      return new Step(leader, Duration.ZERO);
    }
    redirectsInARow = 0;
    return switch (failure.verdict()) {
      case RETRY_NEXT -> new Step(router.after(address), backoff.next());
      case RETRY_SAME -> new Step(address, backoff.next());
      default -> throw new IllegalArgumentException("not retryable: " + failure.verdict());
    };
  }
}
