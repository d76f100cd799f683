package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The snapshot settings of {@link TransportLimits} and {@link TransportTimings}. */
class TransportSettingsTest {

  @Test
  void defaultsSendMebibyteChunksWithinAnHourForAGigabyte() {
    assertThat(TransportLimits.DEFAULT.snapshotChunkBytes()).isEqualTo(1 << 20);
    assertThat(TransportLimits.DEFAULT.snapshotAttempts()).isEqualTo(8);
    assertThat(TransportTimings.DEFAULT.snapshotDeadline(0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(TransportTimings.DEFAULT.snapshotDeadline(1L << 30)).isEqualTo(Duration.ofSeconds(30 + 1024));
  }

  @Test
  void theDeadlineGrowsWithTheSizeAtTheMinimumRate() {
    TransportTimings t = TransportTimings.DEFAULT.withSnapshotDeadline(Duration.ofSeconds(5), 1000);

    assertThat(t.snapshotDeadline(2500)).isEqualTo(Duration.ofMillis(7500));
    assertThat(t.snapshotDeadline(Long.MAX_VALUE)).isEqualTo(TransportTimings.MAX_SNAPSHOT_DEADLINE);
    assertThat(TransportTimings.DEFAULT.withSnapshotDeadline(Duration.ofSeconds(1), 1).snapshotDeadline(Long.MAX_VALUE))
        .isEqualTo(TransportTimings.MAX_SNAPSHOT_DEADLINE);
    assertThatThrownBy(() -> t.snapshotDeadline(-1)).hasMessageContaining("size must be >= 0");
  }

  @Test
  void smallMessagesGetSmallerDefaultChunks() {
    assertThat(new TransportLimits(10, 1000, 4096).snapshotChunkBytes()).isEqualTo(4096 - TransportLimits.CHUNK_OVERHEAD_BYTES);
    assertThat(new TransportLimits(10, 1000, 10).snapshotChunkBytes()).isEqualTo(1); // hopeless, but constructible as before
  }

  @Test
  void rejectsSnapshotSettingsThatCannotWork() {
    assertThatThrownBy(() -> TransportLimits.DEFAULT.withSnapshots(0, 3)).hasMessageContaining("snapshotChunkBytes must be >= 1");
    assertThatThrownBy(() -> TransportLimits.DEFAULT.withSnapshots(64 << 20, 3))
        .hasMessageContaining("snapshotChunkBytes 67108864 does not fit in maxMessageBytes 67108864");
    assertThatThrownBy(() -> TransportLimits.DEFAULT.withSnapshots(1024, 0)).hasMessageContaining("snapshotAttempts must be >= 1");
    assertThatThrownBy(() -> TransportTimings.DEFAULT.withSnapshotDeadline(Duration.ZERO, 1))
        .hasMessageContaining("snapshotDeadlineBase must be positive");
    assertThatThrownBy(() -> TransportTimings.DEFAULT.withSnapshotDeadline(Duration.ofSeconds(1), 0))
        .hasMessageContaining("snapshotMinBytesPerSecond must be >= 1");
  }
}
