package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.AppendEntries;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

  @Test
  void refusesBeyondTheMessageCount() {
    var q = new OutboundQueue(3, Long.MAX_VALUE);

    assertThat(List.of(q.offer(hb(1)), q.offer(hb(2)), q.offer(hb(3)), q.offer(hb(4)))).containsExactly(true, true, true, false);
    assertThat(q.size()).isEqualTo(3);
  }

  @Test
  void refusesBeyondTheByteBoundButTakesSmallerMessagesAfterwards() {
    long entryBytes = 1000 + OutboundQueue.MESSAGE_OVERHEAD_BYTES + 24;
    var q = new OutboundQueue(100, 2 * entryBytes + OutboundQueue.MESSAGE_OVERHEAD_BYTES);

    assertThat(q.offer(append(1000))).isTrue();
    assertThat(q.offer(append(1000))).isTrue();
    assertThat(q.offer(append(1000))).isFalse();
    assertThat(q.offer(hb(1))).isTrue();
    assertThat(q.bytes()).isEqualTo(2 * entryBytes + OutboundQueue.MESSAGE_OVERHEAD_BYTES);
  }

  @Test
  void pollsInOrderAndReleasesSpace() {
    var q = new OutboundQueue(2, Long.MAX_VALUE);
    q.offer(hb(1));
    q.offer(hb(2));

    assertThat(q.poll()).contains(hb(1));
    assertThat(q.offer(hb(3))).isTrue();
    assertThat(q.poll()).contains(hb(2));
    assertThat(q.poll()).contains(hb(3));
    assertThat(q.poll()).isEmpty();
    assertThat(q.bytes()).isZero();
  }

  @Test
  void clearCountsWhatItDiscards() {
    var q = new OutboundQueue(10, Long.MAX_VALUE);
    q.offer(hb(1));
    q.offer(append(10));

    assertThat(q.clear()).isEqualTo(2);
    assertThat(q.size()).isZero();
    assertThat(q.bytes()).isZero();
  }

  @Test
  void estimatesSizeFromEntryPayloads() {
    assertThat(OutboundQueue.estimatedBytes(hb(1))).isEqualTo(OutboundQueue.MESSAGE_OVERHEAD_BYTES);
    assertThat(OutboundQueue.estimatedBytes(append(500))).isEqualTo(OutboundQueue.MESSAGE_OVERHEAD_BYTES + 500 + 24);
  }

  private static Message hb(long commit) {
    return Samples.heartbeat(1, 2, commit);
  }

  private static Message append(int payload) {
    return new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.command(1, 1, new byte[payload])), 0);
  }
}
