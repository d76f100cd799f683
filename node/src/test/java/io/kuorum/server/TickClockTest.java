package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TickClockTest {

  @Test
  void handsOutOneTickPerPeriodHoweverLateItIsAsked() {
    TickClock clock = new TickClock(100, 1_000, 0);

    assertThat(clock.due(99)).as("the first tick is due at 100").isZero();
    assertThat(clock.due(100)).isEqualTo(1);
    assertThat(clock.due(150)).isZero();
    assertThat(clock.due(450)).as("ticks 200, 300, 400: a busy thread missed two").isEqualTo(3);
    assertThat(clock.due(499)).isZero();
    assertThat(clock.due(500)).isEqualTo(1);
  }

  @Test
  void aLongPauseIsCappedButCountsAsDelivered() {
    TickClock clock = new TickClock(10, 40, 0);

    assertThat(clock.due(10_000)).as("1000 ticks passed; 40 do all they would").isEqualTo(40);
    assertThat(clock.due(10_005)).as("the rest is not owed later").isZero();
    assertThat(clock.due(10_010)).isEqualTo(1);
  }
}
