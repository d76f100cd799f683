package io.kuorum.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcCpuTest {

  @Test
  void addsUserAndSystemTicksCountingFieldsAfterTheCommandName() {
    // utime 1234 and stime 66 ticks: 13 s; the name holds a space and a ')'
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 66 0 0 20 0 40 0 100 0 0";
    assertThat(ProcCpu.parse(stat)).isEqualTo(13.0);
  }

  @Test
  void refusesWhatIsNotAStatLine() {
    assertThatThrownBy(() -> ProcCpu.parse("no parenthesis")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcCpu.parse("1 (x) S 1 2")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisProcess() {
    assertThat(ProcCpu.self()).isPresent();
    assertThat(ProcCpu.seconds(Long.MAX_VALUE)).isEmpty();
  }
}
