package io.kuorum.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A member of the cluster as a node reports it. Replication progress is known only to the leader,
 * so the progress fields are empty in a follower's report and in the leader's entry for itself.
 *
 * @param matchIndex the highest log index the leader knows the member holds
 * @param lag entries the member is behind the leader's last index
 * @param caughtUp whether the member is close enough to the leader to be made a voter
 * @param catchUpTime for a learner added during the current leader's term: how long it took to
 *     catch up
 */
public record ClusterMember(
    long id,
    String peerAddress,
    String clientAddress,
    MemberRole role,
    OptionalLong matchIndex,
    OptionalLong lag,
    Optional<Boolean> caughtUp,
    Optional<Duration> catchUpTime) {

  public ClusterMember {
    Objects.requireNonNull(peerAddress, "peerAddress");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(matchIndex, "matchIndex");
    Objects.requireNonNull(lag, "lag");
    Objects.requireNonNull(caughtUp, "caughtUp");
    Objects.requireNonNull(catchUpTime, "catchUpTime");
  }

  /** A member without replication progress, as a follower reports it. */
  public static ClusterMember of(
      long id, String peerAddress, String clientAddress, MemberRole role) {
    return new ClusterMember(
        id,
        peerAddress,
        clientAddress,
        role,
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        Optional.empty());
  }
}
