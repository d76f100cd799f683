package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.HardState;
import org.junit.jupiter.api.Test;

class MetaCodecTest {

  @Test
  void recordsRoundTrip() {
    StoreIdentity id = new StoreIdentity("prod-eu-1 ü", 42);
    assertThat(MetaCodec.identity(MetaCodec.identity(id))).isEqualTo(id);
    assertThat(MetaCodec.hardState(MetaCodec.hardState(new HardState(9, 3, 77)))).isEqualTo(new HardState(9, 3, 77));
    assertThat(MetaCodec.compaction(MetaCodec.compaction(new CompactionPoint(10, 4)))).isEqualTo(new CompactionPoint(10, 4));
    assertThat(MetaCodec.format(MetaCodec.format(1))).isEqualTo(1);
  }

  @Test
  void aRecordStoredUnderAnotherKeyIsDetected() {
    byte[] compaction = MetaCodec.compaction(new CompactionPoint(10, 4)); // 16 bytes + crc, like no other record
    byte[] hardState = MetaCodec.hardState(new HardState(9, 3, 77));
    assertThatThrownBy(() -> MetaCodec.compaction(hardState)).isInstanceOf(CorruptRecordException.class);
    assertThatThrownBy(() -> MetaCodec.hardState(compaction)).isInstanceOf(CorruptRecordException.class);
  }

  @Test
  void damageIsDetected() {
    byte[] stored = MetaCodec.hardState(new HardState(9, 3, 77));
    stored[5] ^= 1;
    assertThatThrownBy(() -> MetaCodec.hardState(stored)).isInstanceOf(CorruptRecordException.class)
        .hasMessage("hardState record fails its checksum");
  }
}
