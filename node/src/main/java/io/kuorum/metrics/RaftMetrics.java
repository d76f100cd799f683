package io.kuorum.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raft events, counted where they happen: on the Raft thread (leaders seen, apply batches) and on
 * whatever thread completes a proposal. Every update is a lock-free add or a histogram observation;
 * nothing here waits for a scrape.
 */
public final class RaftMetrics {

  /** The reason a proposal failed when it was not a {@code ProposalException}. */
  public static final String OTHER_REASON = "error";

  private final Counter leaderChanges;
  private final Counter committed;
  private final Counter failed;
  private final Histogram applySeconds;
  /** Label children, looked up once per reason. */
  private final Map<String, CounterDataPoint> failedBy = new ConcurrentHashMap<>();
  /** Raft thread only: the last term in which a leader was counted. */
  private long leaderTermSeen;

  RaftMetrics(PrometheusRegistry registry, Iterable<String> knownFailureReasons) {
    leaderChanges = Counter.builder().name("kuorum_raft_leader_changes_total")
        .help("Leaders this node has seen take office: one per term in which it learned of a leader").register(registry);
    committed = Counter.builder().name("kuorum_raft_proposals_committed_total")
        .help("Proposals made through this node that committed and were applied (answered from the state machine)")
        .register(registry);
    failed = Counter.builder().name("kuorum_raft_proposals_failed_total")
        .help("Proposals made through this node that got no answer from the state machine, by reason")
        .labelNames("reason").register(registry);
    applySeconds = Histogram.builder().name("kuorum_raft_apply_seconds").unit(Unit.SECONDS)
        .help("Time the Raft thread spent applying one batch of committed entries to the state machine")
        .classicOnly().classicUpperBounds(Buckets.FAST_SECONDS).register(registry);
    for (String reason : knownFailureReasons) failedFor(reason); // exported as 0 before the first failure
    failedFor(OTHER_REASON);
  }

  /**
   * Raft thread: the node's latest view of the leader ({@code leaderKnown} false while there is none).
   * A term has at most one leader, so a leader is counted once per term it is seen in (the first one
   * this process sees included).
   */
  public void leaderObserved(boolean leaderKnown, long term) {
    if (leaderKnown && term != leaderTermSeen) {
      leaderTermSeen = term;
      leaderChanges.inc();
    }
  }

  public void proposalCommitted() {
    committed.inc();
  }

  /** {@code reason}: the lower-case name of the failure kind, or {@link #OTHER_REASON}. */
  public void proposalFailed(String reason) {
    failedFor(reason).inc();
  }

  /** Raft thread: one batch of committed entries took {@code nanos} to apply. */
  public void applied(long nanos) {
    applySeconds.observe(Buckets.seconds(nanos));
  }

  private CounterDataPoint failedFor(String reason) {
    return failedBy.computeIfAbsent(reason.toLowerCase(Locale.ROOT), failed::labelValues);
  }
}
