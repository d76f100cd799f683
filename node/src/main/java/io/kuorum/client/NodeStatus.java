package io.kuorum.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one endpoint says about itself, or why it could not be asked ({@link #error()}).
 *
 * @param endpoint the address that was asked
 * @param leaderId 0 when the node knows no leader
 * @param leaderAddress client address of the leader; empty when unknown
 * @param error present when the endpoint could not be reached or failed; the other fields are
 *     then zero or empty
 */
public record NodeStatus(
    String endpoint,
    long id,
    String clusterId,
    String role,
    long term,
    long leaderId,
    String leaderAddress,
    long commitIndex,
    long appliedIndex,
    long lastIndex,
    List<ClusterMember> members,
    String version,
    Optional<String> error) {

  public NodeStatus {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leaderAddress, "leaderAddress");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(error, "error");
    members = List.copyOf(members);
  }

  /** The status of an endpoint that could not be asked. */
  public static NodeStatus unreachable(String endpoint, String error) {
    return new NodeStatus(
        endpoint, 0, "", "", 0, 0, "", 0, 0, 0, List.of(), "", Optional.of(error));
  }

  public boolean reachable() {
    return error.isEmpty();
  }

  /** Whether this node says it is the leader. */
  public boolean isLeader() {
    return reachable() && role.equalsIgnoreCase("leader");
  }
}
