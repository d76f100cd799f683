package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryRunsTest {

  private static List<Entry> entries(long from, long to, int size) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(Entry.command(i, 1, new byte[size]));
    return out;
  }

  private static List<Entry> decodeAll(List<Map.Entry<Long, byte[]>> runs, long lo, long hi) {
    List<Entry> out = new ArrayList<>();
    Iterator<Map.Entry<Long, byte[]>> it = EntryRuns.entries(runs.iterator(), lo, hi);
    while (it.hasNext()) {
      Map.Entry<Long, byte[]> e = it.next();
      out.add(EntryCodec.decode(e.getKey(), e.getValue()));
    }
    return out;
  }

  @Test
  void aBatchBecomesRunsCappedByCountAndBytesAndReadsBackInAnyRange() {
    List<Entry> many = entries(10, 10 + 600 - 1, 8);
    List<Map.Entry<Long, byte[]>> runs = EntryRuns.encode(many);
    assertThat(runs).extracting(Map.Entry::getKey).containsExactly(10L, 266L, 522L); // 256 entries per run at most
    assertThat(decodeAll(runs, 10, 609)).containsExactlyElementsOf(many);
    assertThat(decodeAll(runs, 265, 267)).containsExactlyElementsOf(many.subList(255, 258));

    List<Entry> big = entries(1, 5, 400_000);
    assertThat(EntryRuns.encode(big)).extracting(Map.Entry::getKey).containsExactly(1L, 4L); // 1 MiB reached after 3
  }

  @Test
  void aPrefixKeepsTheFirstEntriesOfARun() {
    List<Entry> five = entries(7, 11, 3);
    byte[] run = EntryRuns.encode(five).get(0).getValue();
    byte[] two = EntryRuns.prefix(7, run, 2);
    assertThat(EntryRuns.split(7, two)).hasSize(2);
    assertThat(EntryCodec.decode(8, EntryRuns.split(7, two).get(1))).isEqualTo(five.get(1));
    assertThat(EntryRuns.prefix(7, run, 0)).isEmpty();
  }

  @Test
  void aDamagedLengthIsReportedWithTheRunAndEntry() {
    byte[] run = EntryRuns.encode(entries(7, 9, 3)).get(0).getValue();
    byte[] badLength = run.clone();
    badLength[0] = 0x7f; // the first length now claims far more than the run holds
    assertThatThrownBy(() -> EntryRuns.split(7, badLength)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("the run of entries from 7 is malformed at entry 7");
    assertThatThrownBy(() -> EntryRuns.split(7, new byte[] {0, 0})).isInstanceOf(CorruptRecordException.class);
  }
}
