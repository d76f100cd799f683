package io.kuorum.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kuorum.kv.Change;
import io.kuorum.kv.proto.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHistoryTest {

  static Change put(String key, String value, long revision) {
    return new Change.Put(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))
        .setRevision(revision).build());
  }

  static Change delete(String key, long revision) {
    return new Change.Delete(ByteString.copyFromUtf8(key), revision);
  }

  private static List<Long> revisions(List<Change> changes) {
    return changes.stream().map(Change::revision).toList();
  }

  @Test
  void holdsEverythingAboveItsStartingHorizon() {
    WatchHistory h = new WatchHistory(100, 1 << 20, 5);
    h.append(put("a", "1", 7));
    h.append(delete("a", 9));
    h.append(put("b", "2", 10));

    assertThat(h.horizon()).isEqualTo(5);
    assertThat(revisions(h.since(6))).containsExactly(7L, 9L, 10L);
    assertThat(revisions(h.since(8))).containsExactly(9L, 10L);
    assertThat(revisions(h.since(10))).containsExactly(10L);
    assertThat(h.since(11)).isEmpty();
    assertThat(h.since(1_000)).as("a future revision: nothing yet").isEmpty();
  }

  @Test
  void aRevisionAtOrBelowTheHorizonCannotBeReplayed() {
    WatchHistory h = new WatchHistory(100, 1 << 20, 5);
    assertThatThrownBy(() -> h.since(5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("horizon 5");
    assertThat(h.since(6)).isEmpty();
  }

  @Test
  void dropsTheOldestOverTheEventBoundAndRaisesTheHorizonToThem() {
    WatchHistory h = new WatchHistory(3, 1 << 20, 0);
    for (long r = 1; r <= 5; r++) h.append(put("k" + r, "v", r));

    assertThat(h.size()).isEqualTo(3);
    assertThat(h.horizon()).isEqualTo(2);
    assertThat(revisions(h.since(3))).containsExactly(3L, 4L, 5L);
    assertThatThrownBy(() -> h.since(2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dropsTheOldestOverTheByteBound() {
    long one = WatchLimits.bytesOf(put("k1", "0123456789", 1));
    WatchHistory h = new WatchHistory(1000, 2 * one, 0);
    h.append(put("k1", "0123456789", 1));
    h.append(put("k2", "0123456789", 2));
    assertThat(h.horizon()).isZero();
    h.append(put("k3", "0123456789", 3));

    assertThat(h.horizon()).isEqualTo(1);
    assertThat(h.bytes()).isEqualTo(2 * one);
    assertThat(revisions(h.since(2))).containsExactly(2L, 3L);
  }

  @Test
  void aChangeBiggerThanTheWholeBoundLeavesNothingButMovesTheHorizon() {
    WatchHistory h = new WatchHistory(1000, 10, 0);
    h.append(put("k", "a value far over ten bytes", 4));
    assertThat(h.size()).isZero();
    assertThat(h.horizon()).isEqualTo(4);
    assertThat(h.since(5)).isEmpty();
  }

  @Test
  void aDisabledHistoryKeepsTheHorizonAtTheNewestChange() {
    WatchHistory h = new WatchHistory(0, 0, 3);
    h.append(put("k", "v", 4));
    h.append(put("k", "v", 6));
    assertThat(h.horizon()).isEqualTo(6);
  }

  @Test
  void resetStartsOverAtASnapshot() {
    WatchHistory h = new WatchHistory(100, 1 << 20, 0);
    h.append(put("a", "1", 1));
    h.reset(50);
    assertThat(h.size()).isZero();
    assertThat(h.bytes()).isZero();
    assertThat(h.horizon()).isEqualTo(50);
    h.append(put("a", "2", 51));
    assertThat(revisions(h.since(51))).containsExactly(51L);
  }

  @Test
  void refusesChangesOutOfRevisionOrder() {
    WatchHistory h = new WatchHistory(100, 1 << 20, 5);
    assertThatThrownBy(() -> h.append(put("a", "1", 5))).isInstanceOf(IllegalArgumentException.class);
    h.append(put("a", "1", 6));
    assertThatThrownBy(() -> h.append(put("a", "1", 6))).isInstanceOf(IllegalArgumentException.class);
  }
}
