package io.kuorum.raft;

import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A leader's state for one term: per-follower progress, replication, and the commit rule. It exists
 * only while this node leads; stepping down discards it, so no leader state leaks into other roles.
 */
final class Leadership {

  private final long id;
  private final long term;
  private final RaftConfig config;
  private final RaftLog log;
  private final Quorum quorum;
  private final Outbox outbox;
  private final Map<Long, FollowerProgress> followers = new TreeMap<>();
  /** The commit index moved: followers with nothing else to receive should hear of it. */
  private boolean commitNews;

  Leadership(long id, long term, RaftConfig config, RaftLog log, Quorum quorum, Outbox outbox) {
    this.id = id;
    this.term = term;
    this.config = config;
    this.log = log;
    this.quorum = quorum;
    this.outbox = outbox;
    for (long voter : quorum.voters()) {
      if (voter != id) {
        followers.put(voter, new FollowerProgress(log.lastIndex() + 1, config.maxInflightAppends(), config.maxInflightBytes()));
      }
    }
  }

  /** Sends each follower what it can take now: batches of new entries, or news of the commit index. */
  void replicate() {
    for (Map.Entry<Long, FollowerProgress> f : followers.entrySet()) {
      boolean sent = false;
      while (sendAppend(f.getKey(), f.getValue())) sent = true;
      if (commitNews && !sent) sendHeartbeat(f.getKey(), f.getValue());
    }
    commitNews = false;
  }

  private boolean sendAppend(long to, FollowerProgress pr) {
    if (pr.isPaused()) return false;
    List<Entry> batch = log.slice(pr.next(), config.maxEntriesPerAppend(), config.maxBytesPerAppend());
    if (batch.isEmpty()) return false;
    long prevIndex = pr.next() - 1;
    long bytes = batch.stream().mapToLong(Entry::sizeBytes).sum();
    // §10.2.1: replication may leave before the leader's own write is durable.
    outbox.sendNow(new AppendEntries(id, to, term, prevIndex, log.term(prevIndex), batch, log.committed()));
    pr.sent(batch.get(batch.size() - 1).index(), bytes, true);
    return true;
  }

  private void sendHeartbeat(long to, FollowerProgress pr) {
    // Never tell a follower of a commit index beyond what it is known to hold.
    outbox.sendNow(new Heartbeat(id, to, term, Math.min(pr.match(), log.committed())));
  }

  void broadcastHeartbeat() {
    followers.forEach(this::sendHeartbeat);
  }

  void onAppendResponse(AppendResponse r) {
    FollowerProgress pr = followers.get(r.from());
    if (pr == null) return;
    pr.heardFrom();
    if (!r.success()) {
      long matchHint = r.hintTerm() > 0 ? log.findConflictByTerm(r.hintIndex(), r.hintTerm()) : r.hintIndex();
      if (pr.maybeDecrTo(r.index(), matchHint) && pr.state() == FollowerProgress.State.REPLICATE) {
        pr.becomeProbe();
      }
      return;
    }
    if (pr.maybeUpdate(r.index())) {
      if (pr.state() == FollowerProgress.State.PROBE) pr.becomeReplicate();
      else pr.inflights().freeUpTo(r.index());
      maybeCommit();
    }
  }

  void onHeartbeatResponse(HeartbeatResponse r) {
    FollowerProgress pr = followers.get(r.from());
    if (pr == null) return;
    pr.heardFrom();
    pr.resumeAfterHeartbeat();
  }

  /**
   * §5.3/§5.4.2: an index is committed once a quorum holds it, counting this leader only for what it
   * has made durable, and only if the entry there is of the current term; earlier entries are
   * committed indirectly (Figure 8).
   */
  boolean maybeCommit() {
    long quorumIndex = quorum.committedIndex(voter -> voter == id ? log.persisted() : matchOf(voter));
    if (quorumIndex <= log.committed()) return false;
    if (log.term(quorumIndex) != term && !config.broken(Mutation.COMMIT_PREVIOUS_TERM_BY_COUNTING)) return false;
    log.commitTo(quorumIndex);
    commitNews = true;
    return true;
  }

  private long matchOf(long voter) {
    FollowerProgress pr = followers.get(voter);
    return pr == null ? 0 : pr.match();
  }

  /**
   * Called once per election timeout. With check-quorum, reports whether a quorum was heard from
   * since the last call (§6.2: a leader that cannot reach a majority steps down). Also re-probes
   * followers whose replication stalled.
   */
  boolean quorumActiveSinceLastCheck() {
    Map<Long, Boolean> active = new TreeMap<>();
    active.put(id, true);
    followers.forEach((voter, pr) -> {
      active.put(voter, pr.recentActive());
      pr.clearRecentActive();
      if (pr.isStalled(log.lastIndex())) pr.becomeProbe();
    });
    return quorum.voteResult(active) == VoteResult.WON;
  }

  /** Read-only view of a follower's progress, for status and tests. */
  Map<Long, FollowerProgress> followers() {
    return followers;
  }
}
