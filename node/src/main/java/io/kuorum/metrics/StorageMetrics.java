package io.kuorum.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** The storage thread's group commits: how long each took and how many log entries it made durable. */
public final class StorageMetrics {

  private final Histogram commitSeconds;
  private final Histogram batchEntries;

  StorageMetrics(PrometheusRegistry registry) {
    commitSeconds = Histogram.builder().name("kuorum_storage_commit_seconds").unit(Unit.SECONDS)
        .help("Duration of one durable storage commit of a group-commit batch (log store write and commit, fsync included)")
        .classicOnly().classicUpperBounds(Buckets.DISK_SECONDS).register(registry);
    batchEntries = Histogram.builder().name("kuorum_storage_batch_entries")
        .help("Log entries made durable by one storage commit (0: the hard state alone)")
        .classicOnly().classicUpperBounds(Buckets.ENTRIES).register(registry);
  }

  /** Storage thread: one commit of {@code entries} log entries took {@code nanos}. */
  public void committed(long nanos, int entries) {
    commitSeconds.observe(Buckets.seconds(nanos));
    batchEntries.observe(entries);
  }
}
