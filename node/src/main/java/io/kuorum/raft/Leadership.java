package io.kuorum.raft;

import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import io.kuorum.raft.Message.InstallSnapshot;
import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import io.kuorum.raft.Message.TimeoutNow;
import io.kuorum.raft.ReadIndex.ReadRequest;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A leader's state for one term: per-member progress, replication, the commit rule, learner catch-up
 * and leadership transfer. It exists only while this node leads; stepping down discards it, so no
 * leader state leaks into other roles.
 */
final class Leadership {

  private final long id;
  private final long term;
  private final RaftConfig config;
  private final RaftLog log;
  private final Outbox outbox;
  /** This node's latest snapshot, for followers that need entries it compacted away (§7). */
  private final Supplier<Snapshot> snapshot;
  /** Index of this term's first entry: until it commits, this leader does not know the commit index (§8). */
  private final long firstIndexOfTerm;
  private final Map<Long, FollowerProgress> followers = new TreeMap<>();
  /** Learners added during this term: the tick they were added at and, once caught up, the tick that happened. */
  private final Map<Long, CatchUp> catchUps = new TreeMap<>();
  private Configuration configuration;
  private Quorum quorum;
  /**
   * Ticks of this term, from 1: a heartbeat carries it as {@code sentAt}, in which 0 stands for "times
   * no lease" (see {@link LeaderLease#answered}), so every heartbeat of a leader can time its lease.
   */
  private long ticks = 1;
  /** The commit index moved: followers with nothing else to receive should hear of it. */
  private boolean commitNews;
  private Transfer transfer;
  /** Set once the constructor is done: learners present when a term starts were not added in it. */
  private boolean started;

  private final ReadIndex reads;
  /** The latest ReadIndex round; every heartbeat carries it. */
  private long readRound;
  private final LeaderLease lease;
  /**
   * A transfer was started in this term: from then on no lease read. Its TimeoutNow may still be on
   * the wire after the transfer is abandoned, and the target's transfer votes ignore leases (§3.10).
   */
  private boolean transferStarted;

  private record CatchUp(long addedAtTick, OptionalLong caughtUpAtTick) {}

  /** A leadership transfer in progress (dissertation §3.10). */
  private record Transfer(long target, long startedAtTick, boolean timeoutNowSent) {}

  Leadership(long id, long term, RaftConfig config, RaftLog log, Outbox outbox, Supplier<Snapshot> snapshot,
      Configuration configuration, Quorum quorum) {
    this.id = id;
    this.snapshot = snapshot;
    this.term = term;
    this.config = config;
    this.log = log;
    this.outbox = outbox;
    this.firstIndexOfTerm = log.lastIndex() + 1;
    this.reads = new ReadIndex(id, config, this::startReadRound, new ReadAnswers());
    this.lease = new LeaderLease(id, config.leaseTicks());
    reconfigure(configuration, quorum);
    started = true;
  }

  /** A configuration entry was appended: replicate to the new members, forget the departed ones. */
  void reconfigure(Configuration next, Quorum nextQuorum) {
    configuration = next;
    quorum = nextQuorum;
    followers.keySet().retainAll(next.members());
    catchUps.keySet().retainAll(next.learners());
    for (long member : next.members()) {
      if (member != id && !followers.containsKey(member)) {
        // A member added mid-term is probed with the entry that added it, so it hears of the leader at once.
        long nextIndex = started ? log.lastIndex() : log.lastIndex() + 1;
        followers.put(member, new FollowerProgress(nextIndex, config.maxInflightAppends(), config.maxInflightBytes()));
        if (started && next.learners().contains(member)) catchUps.put(member, new CatchUp(ticks, OptionalLong.empty()));
      }
    }
    if (transfer != null && !next.voters().contains(transfer.target())) transfer = null;
  }

  void tick() {
    ticks++;
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
    if (pr.next() <= log.snapshotIndex()) {
      // §7: the entries this follower needs are compacted; it gets the snapshot, then the log after it.
      Snapshot s = snapshot.get();
      outbox.sendNow(new InstallSnapshot(id, to, term, s));
      pr.becomeSnapshot(s.index());
      return false;
    }
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
    outbox.sendNow(new Heartbeat(id, to, term, Math.min(pr.match(), log.committed()), readRound, ticks));
  }

  // ---------------------------------------------------------------- reads (§6.4)

  /** A linearizable read arrives: confirmed through {@link ReadIndex}, answered in a later Ready. */
  void read(long readId) {
    reads.request(new ReadRequest(id, readId), log.committed(), committedInTerm(), quorum);
  }

  /** A follower forwarded a read (§6.4): the same procedure, answered with a ReadIndexResponse. */
  void onReadIndexRequest(ReadIndexRequest r) {
    reads.request(new ReadRequest(r.from(), r.readId()), log.committed(), committedInTerm(), quorum);
  }

  /**
   * A lease read (§6.4.1): confirmed at once at the commit index while the lease holds, once an entry
   * of this term is committed (before that the commit index may lag) and never once a transfer was
   * started in this term. Otherwise it takes the ReadIndex path: slower, never wrong.
   */
  void leaseRead(long readId) {
    boolean ownTermCommitted = committedInTerm() || config.broken(Mutation.LEASE_BEFORE_OWN_TERM_COMMIT);
    if (ownTermCommitted && !transferStarted && lease.holds(ticks, quorum)) {
      outbox.read(new ReadState.Confirmed(readId, log.committed()));
    } else {
      read(readId);
    }
  }

  /**
   * Sends the outcome of a read to whoever asked. A follower's abandoned read gets no message: the
   * leadership ends, the follower learns of the next leader (or none) and abandons it itself, or its
   * patience runs out. A message would be lost as easily as the heartbeats that failed to confirm it.
   */
  private final class ReadAnswers implements ReadIndex.Answers {
    @Override
    public void confirmed(ReadRequest read, long index) {
      if (read.requester() == id) outbox.read(new ReadState.Confirmed(read.readId(), index));
      else outbox.sendNow(new ReadIndexResponse(id, read.requester(), term, read.readId(), index));
    }

    @Override
    public void abandoned(ReadRequest read, OptionalLong leaderHint) {
      if (read.requester() == id) outbox.read(new ReadState.Abandoned(read.readId(), leaderHint));
    }
  }

  /** Every heartbeat from now on carries {@code round}: one that answers it left after the round's reads arrived. */
  private void startReadRound(long round) {
    readRound = round;
    broadcastHeartbeat();
  }

  /** The Ready took this round's heartbeats: reads arriving from now on need a new round. */
  void readRoundSent() {
    reads.roundSent();
  }

  /** This leadership ends: reads still waiting are abandoned, to be retried at {@code leaderHint}. */
  void abandonReads(OptionalLong leaderHint) {
    reads.abandonAll(leaderHint);
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
      if (pr.state() != FollowerProgress.State.REPLICATE) pr.becomeReplicate();
      else pr.inflights().freeUpTo(r.index());
      noteCatchUp(r.from(), pr);
      maybeCommit();
      maybeSendTimeoutNow();
    }
  }

  void onHeartbeatResponse(HeartbeatResponse r) {
    FollowerProgress pr = followers.get(r.from());
    if (pr == null) return;
    pr.heardFrom();
    pr.resumeAfterHeartbeat();
    reads.answered(r.from(), r.round(), quorum);
    lease.answered(r.from(), r.sentAt(), ticks);
  }

  /**
   * §5.3/§5.4.2: an index is committed once a quorum holds it, counting this leader only for what it
   * has made durable, and only if the entry there is of the current term; earlier entries are
   * committed indirectly (Figure 8). During a joint change the quorum is both majorities (§6).
   */
  boolean maybeCommit() {
    long quorumIndex = quorum.committedIndex(voter -> voter == id ? log.persisted() : matchOf(voter));
    if (quorumIndex <= log.committed()) return false;
    if (log.term(quorumIndex) != term && !config.broken(Mutation.COMMIT_PREVIOUS_TERM_BY_COUNTING)) return false;
    log.commitTo(quorumIndex);
    commitNews = true;
    if (committedInTerm()) reads.ownTermCommitted(log.committed(), quorum);
    return true;
  }

  /** Whether an entry of this term is committed, so this leader knows the cluster's commit index (§8). */
  boolean committedInTerm() {
    return log.committed() >= firstIndexOfTerm;
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
    followers.forEach((member, pr) -> {
      active.put(member, pr.recentActive());
      pr.clearRecentActive();
      if (pr.isStalled(log.lastIndex())) pr.becomeProbe();
    });
    return quorum.voteResult(active) == VoteResult.WON;
  }

  // ---------------------------------------------------------------- learners (dissertation §4.2.1)

  /** A member close enough to the leader's log that promoting it will not stall commitment. */
  boolean isCaughtUp(long member) {
    if (member == id) return true;
    FollowerProgress pr = followers.get(member);
    // By match index alone, like etcd's promotion check: a replicating follower drops to probing now
    // and then (a lost message, a stall check) without falling behind.
    return pr != null && pr.match() > 0 && log.lastIndex() - pr.match() <= config.catchUpEntries();
  }

  /** Entries {@code member} is behind this leader's log. */
  long lagOf(long member) {
    FollowerProgress pr = followers.get(member);
    return log.lastIndex() - (pr == null ? 0 : pr.match());
  }

  private void noteCatchUp(long member, FollowerProgress pr) {
    CatchUp c = catchUps.get(member);
    if (c != null && c.caughtUpAtTick().isEmpty() && isCaughtUp(member)) {
      catchUps.put(member, new CatchUp(c.addedAtTick(), OptionalLong.of(ticks)));
    }
  }

  // ---------------------------------------------------------------- leadership transfer (dissertation §3.10)

  void startTransfer(long target) {
    transfer = new Transfer(target, ticks, false);
    transferStarted = true;
    maybeSendTimeoutNow();
  }

  /** Once the target holds the whole log, it is told to campaign now; it wins at once if it can. */
  private void maybeSendTimeoutNow() {
    if (transfer == null || transfer.timeoutNowSent()) return;
    FollowerProgress pr = followers.get(transfer.target());
    if (pr != null && pr.match() == log.lastIndex()) {
      outbox.sendNow(new TimeoutNow(id, transfer.target(), term));
      transfer = new Transfer(transfer.target(), transfer.startedAtTick(), true);
    }
  }

  OptionalLong transferTarget() {
    return transfer == null ? OptionalLong.empty() : OptionalLong.of(transfer.target());
  }

  /** Ticks the transfer in progress has taken. */
  long transferTicks() {
    return transfer == null ? 0 : ticks - transfer.startedAtTick();
  }

  void abortTransfer() {
    transfer = null;
  }

  /** The voter (other than this leader) with the most of the log, if any. */
  OptionalLong mostUpToDateVoter() {
    long best = 0;
    long bestMatch = -1;
    for (long voter : configuration.voters()) {
      FollowerProgress pr = followers.get(voter);
      if (voter != id && pr != null && pr.match() > bestMatch) {
        best = voter;
        bestMatch = pr.match();
      }
    }
    return best == 0 ? OptionalLong.empty() : OptionalLong.of(best);
  }

  // ---------------------------------------------------------------- inspection

  /** Replication progress of every other member, for status. */
  Map<Long, MemberProgress> progress() {
    Map<Long, MemberProgress> out = new TreeMap<>();
    followers.forEach((member, pr) -> {
      CatchUp c = catchUps.get(member);
      OptionalLong catchUpTicks = c == null || c.caughtUpAtTick().isEmpty()
          ? OptionalLong.empty() : OptionalLong.of(c.caughtUpAtTick().getAsLong() - c.addedAtTick());
      out.put(member, new MemberProgress(pr.match(), lagOf(member), isCaughtUp(member), catchUpTicks));
    });
    return out;
  }

}
