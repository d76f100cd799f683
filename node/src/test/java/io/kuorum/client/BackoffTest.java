package io.kuorum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromTheInitialPauseUpToTheCap() {
    var defaults = ClientOptions.defaults();
    var backoff = new Backoff(defaults.initialBackoff(), defaults.maxBackoff());

    assertThat(IntStream.range(0, 7).mapToObj(i -> backoff.next().toMillis()))
        .containsExactly(20L, 40L, 80L, 100L, 100L, 100L, 100L);
  }

  @Test
  void optionsRejectNonsense() {
    var defaults = ClientOptions.defaults();
    assertThatThrownBy(() -> defaults.withDeadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
    assertThatThrownBy(
            () -> defaults.withBackoff(Duration.ofSeconds(1), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
    assertThat(defaults.deadline()).isEqualTo(Duration.ofSeconds(5));
  }
}
