package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

  @Test
  void roundTripsEveryTypeAndTermSize() {
    for (Entry e : List.of(Entry.noop(1, 1), Entry.command(7, 127, new byte[] {1, 2, 3}), Entry.command(8, 128, new byte[0]),
        Entry.command(Long.MAX_VALUE, Long.MAX_VALUE, new byte[300]))) {
      byte[] stored = EntryCodec.encode(e);
      assertThat(EntryCodec.decode(e.index(), stored)).isEqualTo(e);
      assertThat(EntryCodec.decode(e.index(), stored).type()).isEqualTo(e.type());
      assertThat(EntryCodec.verifiedTerm(e.index(), stored)).isEqualTo(e.term());
    }
  }

  @Test
  void overheadIsSmall() {
    assertThat(EntryCodec.encode(Entry.command(1_000_000, 5, new byte[256]))).hasSize(256 + 6);
  }

  @Test
  void everySingleBitFlipIsDetected() {
    byte[] stored = EntryCodec.encode(Entry.command(42, 3, "payload".getBytes()));
    for (int bit = 0; bit < stored.length * 8; bit++) {
      byte[] damaged = stored.clone();
      damaged[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> EntryCodec.decode(42, damaged)).as("bit %d", bit).isInstanceOf(CorruptRecordException.class);
    }
  }

  @Test
  void anEntryReadUnderAnotherIndexIsDetected() {
    byte[] stored = EntryCodec.encode(Entry.command(42, 3, "payload".getBytes()));
    assertThatThrownBy(() -> EntryCodec.decode(43, stored)).isInstanceOf(CorruptRecordException.class)
        .hasMessage("entry 43 fails its checksum");
  }

  @Test
  void truncatedValuesAreDetected() {
    byte[] stored = EntryCodec.encode(Entry.command(42, 3, "payload".getBytes()));
    for (int len = 0; len < stored.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(stored, len);
      assertThatThrownBy(() -> EntryCodec.decode(42, cut)).isInstanceOf(CorruptRecordException.class);
    }
  }
}
