package io.kuorum.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** Snapshots this node took, and leaders' snapshots it loaded. */
public final class SnapshotMetrics {

  private final Histogram takeSeconds;
  private final Histogram installSeconds;

  SnapshotMetrics(PrometheusRegistry registry) {
    takeSeconds = Histogram.builder().name("kuorum_snapshot_seconds").unit(Unit.SECONDS)
        .help("Time to take one snapshot: from copying the state on the Raft thread to the file being durable")
        .classicOnly().classicUpperBounds(Buckets.SNAPSHOT_SECONDS).register(registry);
    installSeconds = Histogram.builder().name("kuorum_snapshot_install_seconds").unit(Unit.SECONDS)
        .help("Time to load a snapshot received from the leader into the state machine (verify and read the file)")
        .classicOnly().classicUpperBounds(Buckets.SNAPSHOT_SECONDS).register(registry);
  }

  /** A snapshot this node took is durable, {@code nanos} after it started. */
  public void taken(long nanos) {
    takeSeconds.observe(Buckets.seconds(nanos));
  }

  /** A leader's snapshot was loaded into the state machine in {@code nanos}. */
  public void installed(long nanos) {
    installSeconds.observe(Buckets.seconds(nanos));
  }
}
