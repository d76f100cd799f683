package io.kuorum.server;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** A membership change an administrator asks for (Admin API, kuorumctl members, the operator). */
public sealed interface MembershipRequest {

  /** Adds {@code member} as a learner: it receives the log but neither votes nor counts. */
  record AddLearner(Member member) implements MembershipRequest {}

  record RemoveLearner(long id) implements MembershipRequest {}

  /** Makes {@code voters} the voter set through one joint transition; done once C_new is committed. */
  record ChangeVoters(SortedSet<Long> voters) implements MembershipRequest {
    public ChangeVoters(Set<Long> voters) {
      this(new TreeSet<>(voters));
    }
  }
}
