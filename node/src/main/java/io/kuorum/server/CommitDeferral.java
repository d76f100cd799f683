package io.kuorum.server;

import io.kuorum.raft.HardState;
import io.kuorum.raft.Ready;
import java.util.Optional;

/**
 * Keeps a hard state change that only moves the commit index off the critical path. Term and vote
 * must be durable before the messages that depend on them leave (§5.1, Figure 2), but the commit index
 * need not be: an entry is committed once a quorum stores it, whatever this node remembers, and after a
 * crash a stale stored commit index only means replaying less until the leader says more (etcd makes
 * the same choice: a Ready that only moves the commit index needs no fsync). So such a Ready completes
 * without a storage write of its own, and its hard state rides along with the next write. Saves one
 * storage commit per client write on the path from commit to reply. Raft thread only.
 */
final class CommitDeferral {

  private HardState last;
  private Optional<HardState> deferred = Optional.empty();

  CommitDeferral(HardState stored) {
    this.last = stored;
  }

  /** The Ready to carry out instead of {@code r}: its hard state deferred, or the deferred one added. */
  Ready adjust(Ready r) {
    if (r.hardState().isPresent()) {
      HardState hs = r.hardState().get();
      boolean commitOnly = r.entries().isEmpty() && r.snapshot().isEmpty() && hs.term() == last.term()
          && hs.votedFor() == last.votedFor();
      last = hs;
      if (commitOnly) {
        deferred = r.hardState();
        return with(r, Optional.empty());
      }
      deferred = Optional.empty();
      return r;
    }
    if (deferred.isPresent() && r.mustPersist()) {
      Ready withCommit = with(r, deferred);
      deferred = Optional.empty();
      return withCommit;
    }
    return r;
  }

  /** The hard state not written yet, taken: written on a clean stop. */
  Optional<HardState> takeDeferred() {
    Optional<HardState> d = deferred;
    deferred = Optional.empty();
    return d;
  }

  private static Ready with(Ready r, Optional<HardState> hs) {
    return new Ready(hs, r.snapshot(), r.entries(), r.sendNow(), r.sendAfterPersist(), r.committed(), r.roleChanges(),
        r.notices(), r.reads());
  }
}
