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

  @Test
  void aWatchedDeleteComparesByContentAndCannotBeChangedFromOutside() {
    byte[] key = {'k', '1'};
    var delete = new WatchEvent.Delete(key, 7);
    key[0] = 'x';
    delete.key()[1] = '9';

    assertThat(delete).isEqualTo(new WatchEvent.Delete(new byte[] {'k', '1'}, 7));
    assertThat(delete).hasSameHashCodeAs(new WatchEvent.Delete(new byte[] {'k', '1'}, 7));
    assertThat(delete).isNotEqualTo(new WatchEvent.Delete(new byte[] {'k', '2'}, 7));
    assertThat(delete).isNotEqualTo(new WatchEvent.Delete(new byte[] {'k', '1'}, 8));
    assertThat(delete.keyUtf8()).isEqualTo("k1");
    assertThat(delete).hasToString("Delete[k1, revision=7]");
  }

  @Test
  void aWatchedPutComparesByItsKeyValue() {
    var put = new WatchEvent.Put(new KeyValue(new byte[] {'k'}, new byte[] {'v'}, 3));
    assertThat(put).isEqualTo(new WatchEvent.Put(new KeyValue(new byte[] {'k'}, new byte[] {'v'}, 3)));
    assertThat(put).hasSameHashCodeAs(new WatchEvent.Put(new KeyValue(new byte[] {'k'}, new byte[] {'v'}, 3)));
    assertThat(put).isNotEqualTo(new WatchEvent.Put(new KeyValue(new byte[] {'k'}, new byte[] {'w'}, 3)));
  }
}
