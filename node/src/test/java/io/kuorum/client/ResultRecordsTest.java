package io.kuorum.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultRecordsTest {
  @Test
  void keyValueComparesByContentAndCannotBeChangedFromOutside() {
    byte[] key = {1, 2};
    var kv = new KeyValue(key, new byte[] {3}, 7);
    key[0] = 9;
    kv.value()[0] = 9;

    assertThat(kv).isEqualTo(new KeyValue(new byte[] {1, 2}, new byte[] {3}, 7));
    assertThat(kv).hasSameHashCodeAs(new KeyValue(new byte[] {1, 2}, new byte[] {3}, 7));
    assertThat(kv).isNotEqualTo(new KeyValue(new byte[] {1, 2}, new byte[] {3}, 8));
  }

  @Test
  void casResultComparesByContent() {
    var present = new CasResult(false, Optional.of(new byte[] {'a'}), 3);
    assertThat(present).isEqualTo(new CasResult(false, Optional.of(new byte[] {'a'}), 3));
    assertThat(present).isNotEqualTo(new CasResult(false, Optional.empty(), 3));
    assertThat(present.previousValueUtf8()).contains("a");
    assertThat(present.toString()).contains("previousValue=a");
  }
}
