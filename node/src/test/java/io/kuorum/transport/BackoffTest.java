package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new SplittableRandom(42));

  @Test
  void doublesFromTheMinimumWithJitterInTheUpperHalf() {
    for (int failures = 0; failures <= 5; failures++) {
      long base = 50L << failures;
      for (int i = 0; i < 100; i++) {
        assertThat(backoff.delay(failures)).isBetween(Duration.ofMillis(base / 2), Duration.ofMillis(base));
      }
    }
  }

  @Test
  void staysAtTheCapHoweverManyFailures() {
    for (int failures : new int[] {6, 7, 30, 62, Integer.MAX_VALUE}) {
      assertThat(backoff.delay(failures)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  @Test
  void jitterSpreadsRetries() {
    assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(3)).distinct().count()).isGreaterThan(10);
  }

  @Test
  void sameSeedSameDelays() {
    var a = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new SplittableRandom(7));
    var b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new SplittableRandom(7));

    for (int failures = 0; failures < 10; failures++) assertThat(a.delay(failures)).isEqualTo(b.delay(failures));
  }
}
