package io.kuorum.metrics;

import io.kuorum.raft.MemberProgress;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Gauges read at scrape time from state the node already publishes: its {@link NodeState} (a volatile
 * snapshot the Raft thread replaces after every batch), the count of proposals waiting, and the count of
 * watch streams. A scrape reads them on the HTTP server's thread and never reaches the Raft thread.
 */
final class StatusGauges {

  /** Every value of {@link NodeState#roleName()}: each is exported, 1 for the current one, 0 for the rest. */
  static final List<String> ROLES = List.of("leader", "follower", "pre-candidate", "candidate", "waiting", "removed");

  private StatusGauges() {}

  static void register(PrometheusRegistry registry, Supplier<? extends NodeState> status, IntSupplier pendingProposals,
      IntSupplier watchers) {
    GaugeWithCallback.builder().name("kuorum_raft_term").help("Current Raft term of this node")
        .callback(cb -> cb.call(status.get().term())).register(registry);
    GaugeWithCallback.builder().name("kuorum_raft_role")
        .help("1 for this node's current role, 0 for the others (waiting: not yet added; removed: taken out)")
        .labelNames("role").callback(cb -> {
          String current = status.get().roleName();
          for (String role : ROLES) cb.call(role.equals(current) ? 1 : 0, role);
        }).register(registry);
    GaugeWithCallback.builder().name("kuorum_raft_commit_index").help("Highest log index this node knows to be committed")
        .callback(cb -> cb.call(status.get().commitIndex())).register(registry);
    GaugeWithCallback.builder().name("kuorum_raft_applied_index").help("Highest log index applied to this node's state machine")
        .callback(cb -> cb.call(status.get().appliedIndex())).register(registry);
    GaugeWithCallback.builder().name("kuorum_raft_last_index").help("Index of the last entry in this node's log")
        .callback(cb -> cb.call(status.get().lastIndex())).register(registry);
    GaugeWithCallback.builder().name("kuorum_raft_proposals_pending")
        .help("Proposals made through this node waiting to be committed and applied")
        .callback(cb -> cb.call(pendingProposals.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("kuorum_raft_follower_lag_entries")
        .help("On the leader only: entries between the leader's last index and each other member's match index")
        .labelNames("peer").callback(cb -> {
          for (Map.Entry<Long, MemberProgress> p : status.get().progress().entrySet()) {
            cb.call(p.getValue().lag(), Long.toString(p.getKey()));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("kuorum_sessions_open").help("Client sessions open in this node's state machine")
        .callback(cb -> cb.call(status.get().sessions())).register(registry);
    CounterWithCallback.builder().name("kuorum_session_retries_total")
        .help("Retried session writes this node's state machine answered from its session table (applied once) since"
            + " the node started")
        .callback(cb -> cb.call(status.get().sessionRetries())).register(registry);
    GaugeWithCallback.builder().name("kuorum_watch_watchers").help("Watch streams this node serves")
        .callback(cb -> cb.call(watchers.getAsInt())).register(registry);
  }
}
