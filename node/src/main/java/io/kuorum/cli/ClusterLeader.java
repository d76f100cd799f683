package io.kuorum.cli;

import io.kuorum.client.NodeStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The leader as the nodes' statuses show it: a node that says it leads (the one of the highest
 * term, should an old leader not have heard yet), else the leader that the node of the highest
 * term names. Public for the etcd comparison of the bench module, which finds the leader as
 * {@code kuorumctl bench} does.
 */
public record ClusterLeader(long id, String address) {

  public static Optional<ClusterLeader> find(List<NodeStatus> statuses) {
    Optional<ClusterLeader> self =
        statuses.stream()
            .filter(NodeStatus::isLeader)
            .max(Comparator.comparingLong(NodeStatus::term))
            .map(s -> new ClusterLeader(s.id(), orElse(s.leaderAddress(), s.endpoint())));
    if (self.isPresent()) {
      return self;
    }
    return statuses.stream()
        .filter(s -> s.reachable() && s.leaderId() != 0)
        .max(Comparator.comparingLong(NodeStatus::term))
        .map(s -> new ClusterLeader(s.leaderId(), s.leaderAddress()));
  }

  private static String orElse(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }
}
