package io.kuorum.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GapsTest {

  @Test
  void longestGapIsBetweenConsecutiveSuccesses() {
    assertThat(Gaps.longest(new long[] {110, 120, 500, 510}, 100, 520)).isEqualTo(new Gaps.Gap(120, 500));
  }

  @Test
  void theRunsStartAndEndBoundTheGaps() {
    assertThat(Gaps.longest(new long[] {400, 410}, 100, 450)).isEqualTo(new Gaps.Gap(100, 400));
    assertThat(Gaps.longest(new long[] {110, 120}, 100, 900)).isEqualTo(new Gaps.Gap(120, 900));
    assertThat(Gaps.longest(new long[0], 100, 900)).isEqualTo(new Gaps.Gap(100, 900));
    assertThat(Gaps.longest(new long[] {100, 900}, 100, 900).millis()).isEqualTo(800 / 1e6);
  }

  @Test
  void theLongestGapEndingAfterAnInstantLeavesOutEarlierStalls() {
    long[] times = {110, 500, 510, 520, 700, 710};
    assertThat(Gaps.longest(times, 100, 800)).isEqualTo(new Gaps.Gap(110, 500));
    assertThat(Gaps.longestEndingAfter(times, 100, 800, 515)).isEqualTo(new Gaps.Gap(520, 700));
    // the gap holding the instant counts: it ends after it
    assertThat(Gaps.longestEndingAfter(times, 100, 800, 600)).isEqualTo(new Gaps.Gap(520, 700));
    assertThat(Gaps.longestEndingAfter(times, 100, 800, 750)).isEqualTo(new Gaps.Gap(710, 800));
    assertThat(Gaps.longestEndingAfter(new long[0], 100, 800, 300)).isEqualTo(new Gaps.Gap(100, 800));
  }
}
