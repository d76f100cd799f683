package io.kuorum.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one endpoint says about itself, or why it could not be asked ({@link #error()}).
 *
 * @param endpoint the address that was asked
 * @param leaderId 0 when the node knows no leader
 * @param leaderAddress client address of the leader; empty when unknown
 * @param members every member of the latest configuration the node knows
 * @param joint whether the cluster is between an old and a new voter set
 * @param transferringTo the member a leader is handing leadership to; empty when none
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
    boolean joint,
    OptionalLong transferringTo,
    String version,
    Optional<String> error) {

  public NodeStatus {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leaderAddress, "leaderAddress");
    Objects.requireNonNull(transferringTo, "transferringTo");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(error, "error");
    members = List.copyOf(members);
  }

  /** The status of an endpoint that could not be asked. */
  public static NodeStatus unreachable(String endpoint, String error) {
    return new NodeStatus(
        endpoint,
        0,
        "",
        "",
        0,
        0,
        "",
        0,
        0,
        0,
        List.of(),
        false,
        OptionalLong.empty(),
        "",
        Optional.of(error));
  }

  public boolean reachable() {
    return error.isEmpty();
  }

  /** Whether this node says it is the leader. */
  public boolean isLeader() {
    return reachable() && role.equalsIgnoreCase("leader");
  }
}
