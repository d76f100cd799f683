package io.kuorum.raft;

import static io.kuorum.raft.HardState.NONE;

import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import io.kuorum.raft.Message.RequestVote;
import io.kuorum.raft.Message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * One Raft server's consensus logic (Ongaro &amp; Ousterhout, Figure 2), pure and deterministic: no
 * threads, clocks, I/O or randomness of its own. The runtime feeds it {@link #tick()},
 * {@link #step(Message)} and {@link #propose(byte[])}, and carries out the {@link Ready} batches it
 * returns, confirming each with {@link #advance(Ready)}. Not thread-safe: one thread owns it.
 */
public final class RaftCore {

  private final RaftConfig config;
  private final Random random;
  private final Quorum quorum;
  private final RaftLog log;
  private final Outbox outbox = new Outbox();
  private final List<RoleChange> roleChanges = new ArrayList<>();

  private long term;
  private long votedFor;
  private long leaderId = NONE;
  private Role role = Role.FOLLOWER;
  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedElectionTimeout;
  /** The campaign in progress; set only in the candidate roles. */
  private VoteTally tally;
  /** Leader state for the current term; set only in the leader role. */
  private Leadership leadership;
  /** The hard state last handed to the runtime. */
  private HardState handedOut;

  private RaftCore(RaftConfig config, HardState hardState, List<Entry> durableLog, Random random) {
    this.config = config;
    this.random = random;
    this.quorum = new MajorityQuorum(config.voters());
    this.log = new RaftLog(durableLog, hardState.commit(), 0);
    this.term = hardState.term();
    this.votedFor = hardState.votedFor();
    this.handedOut = hardState;
    resetElectionTimer();
  }

  /** Starts (or restarts) a node from what its storage holds; a new node passes {@link HardState#INITIAL} and no entries. */
  public static RaftCore start(RaftConfig config, HardState hardState, List<Entry> durableLog, Random random) {
    return new RaftCore(config, hardState, durableLog, random);
  }

  // ---------------------------------------------------------------- inputs

  /** Advances the logical clock by one tick: elections and heartbeats are timed in ticks. */
  public void tick() {
    electionElapsed++;
    if (role == Role.LEADER) {
      heartbeatElapsed++;
      if (electionElapsed >= config.electionTicks()) {
        electionElapsed = 0;
        boolean quorumActive = leadership.quorumActiveSinceLastCheck();
        if (config.checkQuorum() && !quorumActive) {
          becomeFollower(term, NONE, "stepped down: no quorum heard from in " + config.electionTicks() + " ticks");
          return;
        }
      }
      if (heartbeatElapsed >= config.heartbeatTicks()) {
        heartbeatElapsed = 0;
        leadership.broadcastHeartbeat();
      }
    } else if (electionElapsed >= randomizedElectionTimeout) {
      campaign(config.preVote(), "election timeout after " + electionElapsed + " ticks");
    }
  }

  /** Proposes a command; only the leader accepts. */
  public ProposeResult propose(byte[] command) {
    if (role != Role.LEADER) {
      return new ProposeResult.NotLeader(leaderId == NONE ? OptionalLong.empty() : OptionalLong.of(leaderId));
    }
    Entry e = Entry.command(log.lastIndex() + 1, term, command);
    log.append(e);
    return new ProposeResult.Accepted(e.index(), e.term());
  }

  /** Handles one message from a peer. Messages may arrive late, twice, out of order, or not at all. */
  public void step(Message m) {
    if (m.to() != config.id()) throw new IllegalArgumentException("message for " + m.to() + " delivered to " + config.id());
    if (m.from() == config.id() || !config.voters().contains(m.from())) return; // not a member we know
    if (m.term() > term) {
      // §4.2.3 with check-quorum: while we hear from a leader, a vote request is a disruption, not news.
      if (m instanceof RequestVote && inLease()) return;
      if (!carriesProposedTerm(m)) {
        becomeFollower(m.term(), isFromLeader(m) ? m.from() : NONE, "saw term " + m.term() + " from " + m.from());
      }
    } else if (m.term() < term) {
      answerStale(m);
      return;
    }
    if (m instanceof RequestVote rv) onRequestVote(rv);
    else if (m instanceof VoteResponse vr) onVoteResponse(vr);
    else if (m instanceof AppendEntries ae) onAppendEntries(ae);
    else if (m instanceof Heartbeat hb) onHeartbeat(hb);
    else if (m instanceof AppendResponse ar) {
      if (role == Role.LEADER) leadership.onAppendResponse(ar);
    } else if (m instanceof HeartbeatResponse hr) {
      if (role == Role.LEADER) leadership.onHeartbeatResponse(hr);
    }
  }

  // ---------------------------------------------------------------- Ready / advance

  /**
   * Collects what the runtime must do now, or nothing. Several Ready batches may be outstanding; the
   * runtime must carry them out and {@link #advance} them in order.
   */
  public Optional<Ready> ready() {
    if (role == Role.LEADER) leadership.replicate();
    HardState hs = hardState();
    Optional<HardState> changed = hs.equals(handedOut) ? Optional.empty() : Optional.of(hs);
    handedOut = hs;
    List<Entry> entries = log.takeUnstable();
    List<Entry> committed = log.takeCommitted();
    if (changed.isEmpty() && entries.isEmpty() && committed.isEmpty() && outbox.isEmpty() && roleChanges.isEmpty()) {
      return Optional.empty();
    }
    Ready r = new Ready(changed, entries, outbox.drainNow(), outbox.drainAfterPersist(), committed, roleChanges);
    roleChanges.clear();
    return Optional.of(r);
  }

  /** The runtime has persisted, sent and applied everything in {@code ready}. */
  public void advance(Ready ready) {
    if (!ready.entries().isEmpty()) {
      Entry last = ready.entries().get(ready.entries().size() - 1);
      log.persistedTo(last.index(), last.term());
    }
    if (!ready.committed().isEmpty()) {
      log.appliedTo(ready.committed().get(ready.committed().size() - 1).index());
    }
    // The leader counts itself towards a quorum only for what it has made durable (§10.2.1).
    if (role == Role.LEADER) leadership.maybeCommit();
  }

  // ---------------------------------------------------------------- elections (§5.2, §9.6)

  private void campaign(boolean preVote, String why) {
    electionElapsed = 0;
    resetElectionTimer();
    leaderId = NONE;
    leadership = null;
    long campaignTerm;
    if (preVote) {
      role = Role.PRE_CANDIDATE; // the term moves only if a majority would vote for us
      campaignTerm = term + 1;
    } else {
      role = Role.CANDIDATE;
      term++;
      votedFor = config.id();
      campaignTerm = term;
    }
    roleChanges.add(new RoleChange(role, campaignTerm, NONE, why));
    tally = new VoteTally(quorum);
    tally.record(config.id(), true);
    if (tally.result() == VoteResult.WON) {
      onCampaignWon();
      return;
    }
    for (long voter : quorum.voters()) {
      if (voter != config.id()) {
        // After persist: a candidate's request must not outlive a crash that forgot its term and vote.
        outbox.sendAfterPersist(new RequestVote(config.id(), voter, campaignTerm, log.lastIndex(), log.lastTerm(), preVote));
      }
    }
  }

  private void onRequestVote(RequestVote rv) {
    boolean canVote = votedFor == rv.from()
        || (votedFor == NONE && leaderId == NONE)
        || (rv.preVote() && rv.term() > term);
    // §5.4.1 election restriction: only a candidate whose log is at least as up-to-date as ours.
    boolean upToDate = log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm())
        || config.broken(Mutation.NO_ELECTION_RESTRICTION);
    boolean granted = canVote && upToDate;
    if (granted && !rv.preVote()) {
      votedFor = rv.from();
      electionElapsed = 0;
    }
    long replyTerm = granted && rv.preVote() ? rv.term() : term;
    // A vote is a promise: it leaves only once the vote is durable.
    outbox.send(new VoteResponse(config.id(), rv.from(), replyTerm, granted, rv.preVote()),
        config.broken(Mutation.VOTE_BEFORE_PERSIST));
  }

  private void onVoteResponse(VoteResponse vr) {
    boolean ours = (role == Role.PRE_CANDIDATE && vr.preVote()) || (role == Role.CANDIDATE && !vr.preVote());
    if (!ours) return;
    tally.record(vr.from(), vr.granted());
    switch (tally.result()) {
      case WON -> onCampaignWon();
      case LOST -> becomeFollower(term, NONE, (vr.preVote() ? "pre-vote" : "election") + " lost: votes " + tally);
      case PENDING -> { }
    }
  }

  private void onCampaignWon() {
    if (role == Role.PRE_CANDIDATE) campaign(false, "pre-vote won: votes " + tally);
    else becomeLeader();
  }

  private void becomeLeader() {
    String votes = tally.toString();
    role = Role.LEADER;
    leaderId = config.id();
    tally = null;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    leadership = new Leadership(config.id(), term, config, log, quorum, outbox);
    // §5.4.2/§8: an entry of the new term lets earlier entries commit and tells the followers who leads.
    log.append(Entry.noop(log.lastIndex() + 1, term));
    roleChanges.add(new RoleChange(Role.LEADER, term, config.id(), "elected with votes " + votes));
  }

  private void becomeFollower(long newTerm, long leader, String why) {
    if (newTerm > term) {
      term = newTerm;
      votedFor = NONE;
    }
    boolean changed = role != Role.FOLLOWER || leaderId != leader;
    role = Role.FOLLOWER;
    leaderId = leader;
    tally = null;
    leadership = null;
    electionElapsed = 0;
    resetElectionTimer();
    if (changed) roleChanges.add(new RoleChange(Role.FOLLOWER, term, leader, why));
  }

  // ---------------------------------------------------------------- replication, follower side (§5.3)

  private void onAppendEntries(AppendEntries ae) {
    followLeader(ae.from());
    requireContiguous(ae);
    AppendResponse reply;
    if (ae.prevLogIndex() < log.committed()) {
      // Everything up to our commit index matches any current leader (leader completeness).
      reply = accept(ae.from(), log.committed());
    } else if (log.matchTerm(ae.prevLogIndex(), ae.prevLogTerm())) {
      log.appendFromLeader(ae.prevLogIndex(), ae.entries());
      long lastNew = ae.prevLogIndex() + ae.entries().size();
      log.commitTo(Math.min(ae.leaderCommit(), lastNew));
      reply = accept(ae.from(), lastNew);
    } else {
      long hint = log.findConflictByTerm(Math.min(ae.prevLogIndex(), log.lastIndex()), ae.prevLogTerm());
      reply = new AppendResponse(config.id(), ae.from(), term, false, ae.prevLogIndex(), hint, log.term(hint));
    }
    // An acknowledgement promises durability: it leaves once the entries are persisted.
    outbox.send(reply, config.broken(Mutation.ACK_BEFORE_PERSIST));
  }

  private AppendResponse accept(long leader, long matchIndex) {
    return new AppendResponse(config.id(), leader, term, true, matchIndex, 0, 0);
  }

  private void onHeartbeat(Heartbeat hb) {
    followLeader(hb.from());
    log.commitTo(hb.commit());
    outbox.sendAfterPersist(new HeartbeatResponse(config.id(), hb.from(), term));
  }

  private void followLeader(long leader) {
    if (role == Role.LEADER) {
      throw new IllegalStateException("node " + config.id() + " leads term " + term + " but " + leader + " claims it too");
    }
    if (role != Role.FOLLOWER || leaderId != leader) becomeFollower(term, leader, "leader " + leader + " is active");
    electionElapsed = 0;
  }

  private static void requireContiguous(AppendEntries ae) {
    long expected = ae.prevLogIndex() + 1;
    for (Entry e : ae.entries()) {
      if (e.index() != expected++ || e.term() > ae.term()) {
        throw new IllegalArgumentException("malformed AppendEntries from " + ae.from() + ": " + e + " after prev "
            + ae.prevLogIndex() + " in term " + ae.term());
      }
    }
  }

  // ---------------------------------------------------------------- term rules (§5.1)

  /** Messages whose term is a proposal for the future (pre-vote), not evidence of a newer term. */
  private static boolean carriesProposedTerm(Message m) {
    return (m instanceof RequestVote rv && rv.preVote())
        || (m instanceof VoteResponse vr && vr.preVote() && vr.granted());
  }

  private static boolean isFromLeader(Message m) {
    return m instanceof AppendEntries || m instanceof Heartbeat;
  }

  /** A leader is known and was heard from within the minimum election timeout. */
  private boolean inLease() {
    return config.checkQuorum() && leaderId != NONE && electionElapsed < config.electionTicks();
  }

  /** §5.1: a request with a stale term is rejected with our term, which makes its sender step down. */
  private void answerStale(Message m) {
    if (m instanceof AppendEntries || m instanceof Heartbeat) {
      outbox.sendAfterPersist(new HeartbeatResponse(config.id(), m.from(), term));
    } else if (m instanceof RequestVote rv) {
      outbox.sendAfterPersist(new VoteResponse(config.id(), m.from(), term, false, rv.preVote()));
    }
  }

  private void resetElectionTimer() {
    randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
  }

  // ---------------------------------------------------------------- inspection

  public long id() {
    return config.id();
  }

  public Role role() {
    return role;
  }

  public long term() {
    return term;
  }

  /** The leader this node follows (or itself), if known. */
  public OptionalLong leader() {
    return leaderId == NONE ? OptionalLong.empty() : OptionalLong.of(leaderId);
  }

  public HardState hardState() {
    return new HardState(term, votedFor, log.committed());
  }

  public long commitIndex() {
    return log.committed();
  }

  public long lastIndex() {
    return log.lastIndex();
  }

  public long appliedIndex() {
    return log.applied();
  }

  /** An unmodifiable view of the whole log (including entries not yet durable). */
  public List<Entry> log() {
    return log.entries();
  }
}
