package io.kuorum.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Outcome of a membership change.
 *
 * @param changed false when the cluster already was as requested and nothing was proposed
 * @param message what the leader says happened, for people
 * @param index log index of the configuration entry that completed the change; 0 when unchanged
 * @param members the configuration after the call, as the leader knows it
 * @param duration how long the leader took
 */
public record MembershipResult(
    boolean changed, String message, long index, List<ClusterMember> members, Duration duration) {

  public MembershipResult {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(duration, "duration");
    members = List.copyOf(members);
  }

  /** Ids of the voters, ascending. */
  public List<Long> voters() {
    return idsOf(MemberRole.VOTER);
  }

  /** Ids of the learners, ascending. */
  public List<Long> learners() {
    return idsOf(MemberRole.LEARNER);
  }

  private List<Long> idsOf(MemberRole role) {
    return members.stream().filter(m -> m.role() == role).map(ClusterMember::id).sorted().toList();
  }
}
