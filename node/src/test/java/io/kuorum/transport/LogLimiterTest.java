package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  private final AtomicLong now = new AtomicLong();
  private final LogLimiter limiter = new LogLimiter(Duration.ofNanos(100), now::get);

  @Test
  void letsOneLinePerKeyPerIntervalAndCountsTheRest() {
    assertThat(limiter.permit("a")).hasValue(0);
    assertThat(limiter.permit("a")).isEmpty();
    assertThat(limiter.permit("a")).isEmpty();
    assertThat(limiter.permit("b")).hasValue(0);

    now.set(100);

    assertThat(limiter.permit("a")).isEqualTo(OptionalLong.of(2));
    assertThat(limiter.permit("a")).isEmpty();
  }

  @Test
  void mentionsSuppressedLinesOnlyWhenThereWereSome() {
    assertThat(LogLimiter.suppressedNote(0)).isEmpty();
    assertThat(LogLimiter.suppressedNote(3)).isEqualTo(" (3 similar lines suppressed)");
  }

  @Test
  void forgetsKeysRatherThanGrowWithoutBound() {
    for (long id = 0; id < 5000; id++) assertThat(limiter.permit(id)).isPresent();
  }
}
