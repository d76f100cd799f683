package io.kuorum.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private final LeaderRouter router = new LeaderRouter(List.of("a:1", "b:1", "c:1"));
  private final RetrySchedule schedule =
      new RetrySchedule(router, new Backoff(Duration.ofMillis(20), Duration.ofMillis(500)));

  @Test
  void followsRedirectsAtOnceThenPausesWhenTheyKeepComing() {
    Failure toB = redirect("b:1");

    for (int i = 0; i < RetrySchedule.FREE_REDIRECTS; i++) {
      assertThat(schedule.next(toB, "a:1")).isEqualTo(new RetrySchedule.Step("b:1", Duration.ZERO));
    }
    assertThat(schedule.next(toB, "a:1").pause()).isEqualTo(Duration.ofMillis(20));
    assertThat(router.preferred()).isEqualTo("b:1");
  }

  @Test
  void movesOnToTheNextEndpointOrRetriesTheSameOneWithGrowingPauses() {
    Failure unavailable = new Failure(Verdict.RETRY_NEXT, Status.UNAVAILABLE, Optional.empty());
    Failure aborted = new Failure(Verdict.RETRY_SAME, Status.ABORTED, Optional.empty());

    assertThat(schedule.next(unavailable, "a:1"))
        .isEqualTo(new RetrySchedule.Step("b:1", Duration.ofMillis(20)));
    assertThat(schedule.next(aborted, "b:1"))
        .isEqualTo(new RetrySchedule.Step("b:1", Duration.ofMillis(40)));
    assertThat(schedule.next(unavailable, "c:1"))
        .isEqualTo(new RetrySchedule.Step("a:1", Duration.ofMillis(80)));
  }

  private static Failure redirect(String address) {
    return new Failure(Verdict.REDIRECT, Status.FAILED_PRECONDITION, Optional.of(address));
  }
}
