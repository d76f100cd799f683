package io.kuorum.server;

import io.kuorum.metrics.NodeState;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.MemberProgress;
import io.kuorum.raft.Role;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A consistent view of one node's Raft state, taken on the runtime's thread. {@code member} is false
 * while the node waits to be added to a cluster.
 *
 * @param configuration the latest configuration in this node's log
 * @param directory addresses of the configuration's members
 * @param progress as leader: every other member's replication progress; empty otherwise
 * @param transferTarget as leader: the member leadership is being handed to
 * @param tickMs length of a Raft tick, to turn tick counts into time
 * @param sessions client sessions open in the state machine
 * @param sessionRetries session writes answered from the session table since the node started
 */
public record NodeStatus(long id, boolean member, Role role, long term, OptionalLong leaderId, long commitIndex,
    long appliedIndex, long lastIndex, Configuration configuration, MemberDirectory directory,
    Map<Long, MemberProgress> progress, OptionalLong transferTarget, long tickMs, int sessions, long sessionRetries)
    implements NodeState {

  /**
   * The role as users read it: {@code leader}, {@code follower}, ..., {@code waiting} before the node is
   * added, {@code removed} after it was taken out.
   */
  @Override
  public String roleName() {
    if (member) return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return configuration.isEmpty() ? "waiting" : "removed";
  }
}
