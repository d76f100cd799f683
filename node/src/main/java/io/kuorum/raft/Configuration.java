package io.kuorum.raft;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who is in the cluster: the voters, the learners (they receive the log but never vote or count),
 * and, during a joint-consensus change (§6), the outgoing voters of C_old. While {@code outgoing} is
 * non-empty the configuration is C_old,new: every decision needs a majority of {@code voters} (C_new)
 * and a majority of {@code outgoing} (C_old).
 */
public record Configuration(SortedSet<Long> voters, SortedSet<Long> learners, SortedSet<Long> outgoing) {

  public Configuration {
    voters = sorted(voters);
    learners = sorted(learners);
    outgoing = sorted(outgoing);
    if (voters.isEmpty() && !(learners.isEmpty() && outgoing.isEmpty())) {
      throw new IllegalArgumentException("a configuration with members needs at least one voter");
    }
    for (long id : learners) {
      if (voters.contains(id) || outgoing.contains(id)) {
        throw new IllegalArgumentException("member " + id + " cannot be both a learner and a voter");
      }
    }
  }

  /** No configuration yet: a node started without one waits to be added to a cluster and never campaigns. */
  public static Configuration none() {
    return NONE;
  }

  private static final Configuration NONE = new Configuration(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());

  public boolean isEmpty() {
    return voters.isEmpty();
  }

  /** A simple (non-joint) configuration of voters only. */
  public static Configuration of(Set<Long> voters) {
    return new Configuration(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>());
  }

  public boolean isJoint() {
    return !outgoing.isEmpty();
  }

  /** The quorum every decision needs: one majority, or two during a joint change. */
  public Quorum quorum() {
    MajorityQuorum incoming = new MajorityQuorum(voters);
    return isJoint() ? new JointQuorum(incoming, new MajorityQuorum(outgoing)) : incoming;
  }

  /** Whether {@code id} votes in elections and counts towards commitment. */
  public boolean isVoter(long id) {
    return voters.contains(id) || outgoing.contains(id);
  }

  /** Everyone the leader replicates to: voters of both halves and learners. */
  public SortedSet<Long> members() {
    TreeSet<Long> all = new TreeSet<>(voters);
    all.addAll(outgoing);
    all.addAll(learners);
    return Collections.unmodifiableSortedSet(all);
  }

  private static SortedSet<Long> sorted(Set<Long> ids) {
    for (long id : ids) {
      if (id <= 0) throw new IllegalArgumentException("member ids must be positive, got " + id);
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(ids));
  }

  @Override
  public String toString() {
    if (isEmpty()) return "no configuration";
    return (isJoint() ? "voters " + voters + " (joint with outgoing " + outgoing + ")" : "voters " + voters)
        + (learners.isEmpty() ? "" : ", learners " + learners);
  }
}
