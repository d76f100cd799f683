package io.kuorum.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A backup saved by {@link KuorumClient#saveSnapshot}: a verified snapshot file.
 *
 * @param file where it was saved
 * @param index last log entry the snapshot includes
 * @param term that entry's term
 * @param bytes size of the file
 * @param keys keys in the state
 * @param leaderId the leader that took it
 * @param clusterId the cluster it came from
 * @param duration how long saving took
 */
public record SavedSnapshot(
    Path file,
    long index,
    long term,
    long bytes,
    long keys,
    long leaderId,
    String clusterId,
    Duration duration) {
  public SavedSnapshot {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(duration, "duration");
  }
}
