package io.kuorum.server;

import io.kuorum.raft.Role;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A consistent view of one node's Raft state, taken on the runtime's thread. {@code member} is false
 * while the node waits to be added to a cluster.
 */
public record NodeStatus(long id, boolean member, Role role, long term, OptionalLong leaderId, long commitIndex,
    long appliedIndex, long lastIndex) {

  /** The role as users read it: {@code leader}, {@code follower}, ... or {@code waiting} before joining. */
  public String roleName() {
    return member ? role.name().toLowerCase(Locale.ROOT).replace('_', '-') : "waiting";
  }
}
