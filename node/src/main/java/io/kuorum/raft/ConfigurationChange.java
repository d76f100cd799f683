package io.kuorum.raft;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The rules for moving from one {@link Configuration} to the next, as pure functions: joint
 * consensus (§6) enters C_old,new and later leaves it for C_new, one change at a time; new voters
 * must first be learners (so they have caught up before they count, dissertation §4.2.1). Every
 * refusal says why and what to do instead; repeating a finished change is a no-op that says so.
 */
public final class ConfigurationChange {

  /** What a requested change comes to. */
  public sealed interface Outcome {
    /** The change is allowed; {@code next} is the configuration to append. */
    record Accepted(Configuration next) implements Outcome {}

    /** The cluster is already where the change would take it. */
    record AlreadyDone(String what) implements Outcome {}

    record Rejected(String reason) implements Outcome {}
  }

  private ConfigurationChange() {}

  /** Enter C_old,new with {@code target} as C_new. */
  public static Outcome enterJoint(Configuration current, Set<Long> target) {
    SortedSet<Long> next = new TreeSet<>(target);
    if (current.isJoint()) return inProgress(current);
    if (next.isEmpty()) return new Outcome.Rejected("the target voter set is empty: a cluster needs at least one voter");
    if (next.equals(current.voters())) return new Outcome.AlreadyDone("the voters already are " + next);
    for (long id : next) {
      if (!current.voters().contains(id) && !current.learners().contains(id)) {
        return new Outcome.Rejected("member " + id + " is not a learner: add it as a learner and let it catch up first");
      }
    }
    SortedSet<Long> learners = new TreeSet<>(current.learners());
    learners.removeAll(next);
    return new Outcome.Accepted(new Configuration(next, learners, current.voters()));
  }

  /** Only one change at a time: a joint configuration must reach C_new before anything else changes. */
  private static Outcome inProgress(Configuration current) {
    return new Outcome.Rejected("a change is in progress (" + current + "): wait until it completes");
  }

  /** Leave C_old,new for C_new; the leader does this once C_old,new is committed. */
  public static Outcome leaveJoint(Configuration current) {
    if (!current.isJoint()) return new Outcome.AlreadyDone("no change is in progress: " + current);
    return new Outcome.Accepted(new Configuration(current.voters(), current.learners(), new TreeSet<>()));
  }

  public static Outcome addLearner(Configuration current, long id) {
    if (id <= 0) return new Outcome.Rejected("member ids must be positive, got " + id);
    if (current.isJoint()) return inProgress(current);
    if (current.isVoter(id)) return new Outcome.Rejected("member " + id + " is a voter; remove it from the voters first");
    if (current.learners().contains(id)) return new Outcome.AlreadyDone("member " + id + " already is a learner");
    SortedSet<Long> learners = new TreeSet<>(current.learners());
    learners.add(id);
    return new Outcome.Accepted(new Configuration(current.voters(), learners, current.outgoing()));
  }

  public static Outcome removeLearner(Configuration current, long id) {
    if (current.isJoint()) return inProgress(current);
    if (current.isVoter(id)) return new Outcome.Rejected("member " + id + " is a voter, not a learner: change the voters instead");
    if (!current.learners().contains(id)) return new Outcome.AlreadyDone("member " + id + " is not a learner");
    SortedSet<Long> learners = new TreeSet<>(current.learners());
    learners.remove(id);
    return new Outcome.Accepted(new Configuration(current.voters(), learners, current.outgoing()));
  }
}
