package io.kuorum.raft;

import static io.kuorum.raft.HardState.NONE;

import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import io.kuorum.raft.Message.InstallSnapshot;
import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import io.kuorum.raft.Message.RequestVote;
import io.kuorum.raft.Message.TimeoutNow;
import io.kuorum.raft.Message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * One Raft server's consensus logic (Ongaro &amp; Ousterhout, Figure 2), pure and deterministic: no
 * threads, clocks, I/O or randomness of its own. The runtime feeds it {@link #tick()},
 * {@link #step(Message)} and {@link #propose(byte[])}, and carries out the {@link Ready} batches it
 * returns, confirming each with {@link #advance(Ready)}. Not thread-safe: one thread owns it.
 */
public final class RaftCore {

  private final RaftConfig config;
  private final Random random;
  private final RaftLog log;
  private final ConfigurationHistory configurations;
  private final Outbox outbox = new Outbox();
  private final List<RoleChange> roleChanges = new ArrayList<>();
  private final List<String> notices = new ArrayList<>();
  /** Reads this node asked its leader to confirm (§6.4), while it follows. */
  private final ForwardedReads forwardedReads;

  private long term;
  private long votedFor;
  private long leaderId = NONE;
  private Role role = Role.FOLLOWER;
  private int electionElapsed;
  private int heartbeatElapsed;
  /** Ticks since this node started, counted up to an election timeout (see {@link #inLease()}). */
  private int ticksSinceStart;
  private int randomizedElectionTimeout;
  /** The campaign in progress; set only in the candidate roles. */
  private VoteTally tally;
  /** Leader state for the current term; set only in the leader role. */
  private Leadership leadership;
  /** The hard state last handed to the runtime. */
  private HardState handedOut;
  /** The latest snapshot: taken here ({@link #compact}) or installed from a leader. */
  private Optional<Snapshot> snapshot;
  /** A leader's snapshot this node installed, not yet handed to the runtime. */
  private Optional<Snapshot> snapshotToInstall = Optional.empty();

  private RaftCore(RaftConfig config, HardState hardState, Optional<Snapshot> snapshot, List<Entry> durableLog,
      Random random) {
    this.config = config;
    this.random = random;
    this.snapshot = snapshot;
    // A forwarded read whose answer got lost is given up after two election timeouts; by then the
    // runtime has usually given up on it too, so this only bounds what a follower remembers.
    this.forwardedReads = new ForwardedReads(config.id(), 2 * config.electionTicks(), outbox);
    if (snapshot.isPresent()) {
      Snapshot s = snapshot.get();
      this.log = new RaftLog(s.index(), s.term(), durableLog, hardState.commit(), s.index());
      this.configurations = new ConfigurationHistory(s.index(), s.configuration());
    } else {
      this.log = new RaftLog(durableLog, hardState.commit(), 0);
      this.configurations = new ConfigurationHistory(
          config.voters().isEmpty() ? Configuration.none() : Configuration.of(config.voters()));
    }
    configurations.written(durableLog);
    this.term = hardState.term();
    this.votedFor = hardState.votedFor();
    this.handedOut = hardState;
    resetElectionTimer();
  }

  /** Starts (or restarts) a node from what its storage holds; a new node passes {@link HardState#INITIAL} and no entries. */
  public static RaftCore start(RaftConfig config, HardState hardState, List<Entry> durableLog, Random random) {
    return new RaftCore(config, hardState, Optional.empty(), durableLog, random);
  }

  /** Restarts from the latest durable snapshot and the log entries stored after it. */
  public static RaftCore start(RaftConfig config, HardState hardState, Optional<Snapshot> snapshot, List<Entry> durableLog,
      Random random) {
    return new RaftCore(config, hardState, snapshot, durableLog, random);
  }

  // ---------------------------------------------------------------- log compaction (§7)

  /**
   * The runtime took a snapshot of the state machine after applying {@code index} (its own encoding in
   * {@code data}); entries up to there leave the log. {@code index} must be applied and durable.
   * Returns the snapshot, with the term and configuration at {@code index}, for the runtime to store.
   */
  public Snapshot compact(long index, byte[] data) {
    Snapshot s = snapshotAt(index, data);
    compact(s);
    return s;
  }

  /**
   * Describes a snapshot at {@code index} (term and configuration there) without compacting yet, so
   * the runtime can make the snapshot durable first and {@link #compact(Snapshot)} afterwards.
   */
  public Snapshot snapshotAt(long index, byte[] data) {
    if (index <= log.snapshotIndex() || index > compactableIndex()) {
      throw new IllegalArgumentException("cannot snapshot at " + index + ": the log is compacted up to "
          + log.snapshotIndex() + " and applied and durable up to " + compactableIndex());
    }
    return new Snapshot(index, log.term(index), configurations.at(index), data);
  }

  /** Drops the log up to a durable snapshot from {@link #snapshotAt}; nothing if the log is already past it. */
  public void compact(Snapshot s) {
    if (s.index() <= log.snapshotIndex()) return;
    log.compactTo(s.index());
    configurations.compactTo(s.index());
    snapshot = Optional.of(s);
  }

  /** The highest index a snapshot may be taken at: applied, and durable here. */
  public long compactableIndex() {
    return Math.min(log.applied(), log.persisted());
  }

  /** The latest snapshot this node has, taken or installed. */
  public Optional<Snapshot> snapshot() {
    return snapshot;
  }

  // ---------------------------------------------------------------- inputs

  /** Advances the logical clock by one tick: elections and heartbeats are timed in ticks. */
  public void tick() {
    electionElapsed++;
    if (ticksSinceStart < config.electionTicks()) ticksSinceStart++;
    forwardedReads.tick();
    if (role == Role.LEADER) {
      leadership.tick();
      heartbeatElapsed++;
      if (leadership.transferTarget().isPresent() && leadership.transferTicks() >= config.electionTicks()) {
        // §3.10: a transfer that does not complete within an election timeout is abandoned.
        notices.add("leadership transfer to " + leadership.transferTarget().getAsLong() + " abandoned: no new leader within "
            + config.electionTicks() + " ticks; taking proposals again");
        leadership.abortTransfer();
      }
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
      // §4.2.2: also a voter that an uncommitted configuration removes; it counts its own vote only if the
      // latest configuration has it (quorum() is the latest's).
      if (configurations.mayStillDecide(config.id(), log.committed())) {
        campaign(config.preVote(), false, "election timeout after " + electionElapsed + " ticks");
      } else {
        // Learners, removed members and nodes not yet added never campaign.
        electionElapsed = randomizedElectionTimeout;
      }
    }
  }

  /** Proposes a command; only the leader accepts, and not while it hands leadership over. */
  public ProposeResult propose(byte[] command) {
    if (role != Role.LEADER) return new ProposeResult.NotLeader(leader());
    if (leadership.transferTarget().isPresent()) return transferInProgress();
    if (leavingAfterChange()) {
      // Entries proposed now would commit only after this node is gone; its successor takes them instead.
      return new ProposeResult.Refused("this leader is not a voter of the new configuration " + configuration()
          + " and steps down once it commits: retry at the new leader");
    }
    Entry e = Entry.command(log.lastIndex() + 1, term, command);
    log.append(e);
    return new ProposeResult.Accepted(e.index(), e.term());
  }

  /**
   * Dissertation §6.4: asks to serve a linearizable read without a log entry. The answer comes in a
   * later Ready: {@link ReadState.Confirmed} (serve the read once that index is applied) or
   * {@link ReadState.Abandoned} (the leader stopped leading first; at a follower, it learned of another
   * leader or none, or of a new term, or the leader's answer did not come); {@code readId} is the
   * caller's, echoed back.
   * A follower asks its leader for the index; a node that knows no leader, or is not a member, refuses.
   */
  public ReadResult requestRead(long readId) {
    if (role == Role.LEADER) {
      leadership.read(readId);
      return new ReadResult.Pending();
    }
    // §6.4: a follower asks the leader for a read index; the runtime serves once it applied that far.
    if (role == Role.FOLLOWER && leaderId != NONE && configuration().members().contains(config.id())) {
      forwardedReads.forward(readId, leaderId, term);
      return new ReadResult.Pending();
    }
    return new ReadResult.NotLeader(leader());
  }

  /**
   * Dissertation §6.4.1: a read served by the leader from its own state, without a heartbeat round,
   * while its lease holds (see {@link LeaderLease}); answered like {@link #requestRead}. Without a
   * lease (it lapsed, no entry of this term is committed yet, a transfer was started) the read takes
   * the ReadIndex path. Needs check-quorum, and {@link RaftConfig#leaseReads()} on every voter.
   * Followers point at the leader: the lease is the leader's alone.
   */
  public ReadResult requestLeaseRead(long readId) {
    if (!config.leaseReads()) {
      return new ReadResult.Refused("lease reads are off on node " + config.id() + ": use a linearizable read");
    }
    if (!config.checkQuorum()) {
      return new ReadResult.Refused("lease reads need check-quorum, which is off on node " + config.id()
          + ": a lease is only as good as the followers' promise to ignore vote requests while they hear from "
          + "the leader; use a linearizable read");
    }
    if (role != Role.LEADER) return new ReadResult.NotLeader(leader());
    leadership.leaseRead(readId);
    return new ReadResult.Pending();
  }

  /** C_new is appended and this leader is not among its voters. */
  private boolean leavingAfterChange() {
    Configuration c = configuration();
    return !c.isJoint() && !c.voters().contains(config.id());
  }

  private ProposeResult transferInProgress() {
    return new ProposeResult.Refused("leadership is being transferred to " + leadership.transferTarget().getAsLong()
        + ": retry at the new leader");
  }

  // ---------------------------------------------------------------- membership (§6, dissertation §4)

  /**
   * Adds a learner: it receives the log but neither votes nor counts. {@code context} is carried in
   * the configuration entry for the runtime (member addresses); the core never reads it.
   */
  public ProposeResult addLearner(long member, byte[] context) {
    return changeConfiguration(c -> ConfigurationChange.addLearner(c, member), context);
  }

  public ProposeResult removeLearner(long member, byte[] context) {
    return changeConfiguration(c -> ConfigurationChange.removeLearner(c, member), context);
  }

  /**
   * Starts one joint-consensus transition to exactly {@code voters}: appends C_old,new now; the leader
   * appends C_new by itself once C_old,new is committed. Every new voter must be a caught-up learner.
   */
  public ProposeResult changeVoters(Set<Long> voters, byte[] context) {
    boolean inFlight = configurations.latestIndex() > log.committed() || configuration().isJoint();
    if (role == Role.LEADER && !inFlight) {
      for (long member : voters) {
        if (configuration().learners().contains(member) && !leadership.isCaughtUp(member)) {
          return new ProposeResult.Refused("member " + member + " is a learner that has not caught up: it is "
              + leadership.lagOf(member)
              + " entries behind (at most " + config.catchUpEntries() + " allowed); wait for it and retry");
        }
      }
    }
    return changeConfiguration(c -> ConfigurationChange.enterJoint(c, voters), context);
  }

  private ProposeResult changeConfiguration(Function<Configuration, ConfigurationChange.Outcome> change,
      byte[] context) {
    if (role != Role.LEADER) return new ProposeResult.NotLeader(leader());
    boolean inFlight = configurations.latestIndex() > log.committed();
    ConfigurationChange.Outcome outcome = change.apply(configuration());
    if (outcome instanceof ConfigurationChange.Outcome.Rejected r) return new ProposeResult.Refused(r.reason());
    if (inFlight) {
      return new ProposeResult.Refused("a configuration change is in progress (" + configuration() + " at index "
          + configurations.latestIndex() + " is not committed yet): wait until it completes");
    }
    if (outcome instanceof ConfigurationChange.Outcome.AlreadyDone d) return new ProposeResult.Unchanged(d.what());
    // §8 / dissertation §4.1: until an entry of its term commits, a new leader may not know of a
    // change still in flight from its predecessor.
    if (!leadership.committedInTerm()) {
      return new ProposeResult.Refused("this node was just elected leader of term " + term
          + " and has not committed an entry of its term yet: retry shortly");
    }
    if (leadership.transferTarget().isPresent()) return transferInProgress();
    Configuration next = ((ConfigurationChange.Outcome.Accepted) outcome).next();
    return appendConfiguration(new ConfigurationEntry(next, context));
  }

  private ProposeResult appendConfiguration(ConfigurationEntry next) {
    Entry e = Entry.config(log.lastIndex() + 1, term, next);
    log.append(e);
    configurations.written(List.of(e));
    leadership.reconfigure(configuration(), quorum());
    notices.add("appended configuration " + next.configuration() + " at index " + e.index());
    return new ProposeResult.Accepted(e.index(), e.term());
  }

  /**
   * §6: once C_old,new is committed the leader appends C_new; once C_new is committed a leader that is
   * not among its voters steps down, first handing over to the most up-to-date voter.
   */
  private void advanceConfiguration() {
    if (configurations.latestIndex() > log.committed()) return;
    Configuration c = configuration();
    if (c.isJoint()) {
      ConfigurationChange.Outcome leave = ConfigurationChange.leaveJoint(c);
      appendConfiguration(new ConfigurationEntry(((ConfigurationChange.Outcome.Accepted) leave).next(),
          configurations.latestEntry().context()));
    } else if (!c.voters().contains(config.id())) {
      leadership.replicate(); // the remaining voters learn that C_new committed before this leader goes quiet
      OptionalLong successor = leadership.mostUpToDateVoter();
      boolean handOver = successor.isPresent() && leadership.lagOf(successor.getAsLong()) == 0;
      if (handOver) outbox.sendNow(new TimeoutNow(config.id(), successor.getAsLong(), term));
      becomeFollower(term, NONE, "stepped down: no longer a voter in " + c + " (index " + configurations.latestIndex()
          + ")" + (handOver ? "; handed over to " + successor.getAsLong() : "; the remaining voters elect a leader"));
    }
  }

  /**
   * Dissertation §3.10: hands leadership to {@code target} (0: the most up-to-date voter). The leader
   * stops taking proposals, brings the target up to date and tells it to campaign at once; if no new
   * leader emerges within an election timeout the transfer is abandoned.
   */
  public TransferResult transferLeadership(long target) {
    if (role != Role.LEADER) return new TransferResult.NotLeader(leader());
    if (target == config.id()) return new TransferResult.AlreadyLeader(target);
    if (leadership.transferTarget().isPresent()) {
      return new TransferResult.Refused("a transfer to " + leadership.transferTarget().getAsLong() + " is in progress");
    }
    if (target == 0) {
      OptionalLong best = leadership.mostUpToDateVoter();
      if (best.isEmpty()) return new TransferResult.Refused("there is no other voter to hand leadership to");
      target = best.getAsLong();
    } else if (!configuration().voters().contains(target)) {
      return new TransferResult.Refused("member " + target + " is not a voter of " + configuration());
    }
    leadership.startTransfer(target);
    notices.add("transferring leadership to " + target);
    return new TransferResult.Started(target);
  }

  /** Handles one message from a peer. Messages may arrive late, twice, out of order, or not at all. */
  public void step(Message m) {
    if (m.to() != config.id()) throw new IllegalArgumentException("message for " + m.to() + " delivered to " + config.id());
    if (m.from() == config.id()) return;
    if (m.term() > term) {
      // §4.2.3: while we hear from a leader, a vote request is a disruption (a removed or partitioned
      // server), not news, unless the leader itself asked for the election (§3.10).
      if (m instanceof RequestVote rv && !rv.transfer() && inLease()) return;
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
    else if (m instanceof InstallSnapshot is) onInstallSnapshot(is);
    else if (m instanceof Heartbeat hb) onHeartbeat(hb);
    else if (m instanceof AppendResponse ar) {
      if (role == Role.LEADER) leadership.onAppendResponse(ar);
    } else if (m instanceof HeartbeatResponse hr) {
      if (role == Role.LEADER) leadership.onHeartbeatResponse(hr);
    } else if (m instanceof ReadIndexRequest rr) {
      // Only the leader confirms reads; anyone else drops the request and the follower retries.
      if (role == Role.LEADER) leadership.onReadIndexRequest(rr);
    } else if (m instanceof ReadIndexResponse rr) {
      if (role == Role.FOLLOWER) forwardedReads.answered(rr);
    } else if (m instanceof TimeoutNow) {
      // Only from the leader we follow: a late TimeoutNow from an abandoned transfer must not depose anyone.
      if (role != Role.LEADER && m.from() == leaderId && configuration().isVoter(config.id())) {
        campaign(false, true, "leader " + m.from() + " handed over leadership");
      }
    }
  }

  // ---------------------------------------------------------------- Ready / advance

  /**
   * Collects what the runtime must do now, or nothing. Several Ready batches may be outstanding; the
   * runtime must carry them out and {@link #advance} them in order.
   */
  public Optional<Ready> ready() {
    if (role == Role.LEADER) advanceConfiguration();
    if (role == Role.LEADER) leadership.replicate();
    forwardedReads.send();
    HardState hs = hardState();
    Optional<HardState> changed = hs.equals(handedOut) ? Optional.empty() : Optional.of(hs);
    handedOut = hs;
    List<Entry> entries = log.takeUnstable();
    List<Entry> committed = log.takeCommitted();
    if (changed.isEmpty() && entries.isEmpty() && committed.isEmpty() && outbox.isEmpty() && roleChanges.isEmpty()
        && notices.isEmpty() && snapshotToInstall.isEmpty()) {
      return Optional.empty();
    }
    if (role == Role.LEADER) leadership.readRoundSent(); // the round's heartbeats leave with this Ready
    Ready r = new Ready(changed, snapshotToInstall, entries, outbox.drainNow(), outbox.drainAfterPersist(), committed,
        roleChanges, notices, outbox.drainReads());
    snapshotToInstall = Optional.empty();
    roleChanges.clear();
    notices.clear();
    return Optional.of(r);
  }

  /** The runtime has persisted, sent and applied everything in {@code ready}. */
  public void advance(Ready ready) {
    ready.snapshot().ifPresent(s -> log.snapshotInstalled(s.index()));
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

  private void campaign(boolean preVote, boolean transfer, String why) {
    electionElapsed = 0;
    resetElectionTimer();
    forwardedReads.abandonAll(OptionalLong.empty());
    leaderId = NONE;
    endLeadership(OptionalLong.empty());
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
    Quorum quorum = quorum();
    tally = new VoteTally(quorum);
    tally.record(config.id(), true);
    if (tally.result() == VoteResult.WON) {
      onCampaignWon();
      return;
    }
    for (long voter : quorum.voters()) {
      if (voter != config.id()) {
        // After persist: a candidate's request must not outlive a crash that forgot its term and vote.
        outbox.sendAfterPersist(new RequestVote(config.id(), voter, campaignTerm, log.lastIndex(), log.lastTerm(), preVote,
            transfer));
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
    if (role == Role.PRE_CANDIDATE) campaign(false, false, "pre-vote won: votes " + tally);
    else becomeLeader();
  }

  private void becomeLeader() {
    String votes = tally.toString();
    role = Role.LEADER;
    leaderId = config.id();
    tally = null;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    leadership = new Leadership(config.id(), term, config, log, outbox, () -> snapshot.orElseThrow(), configuration(),
        quorum());
    // §5.4.2/§8: an entry of the new term lets earlier entries commit and tells the followers who leads.
    log.append(Entry.noop(log.lastIndex() + 1, term));
    roleChanges.add(new RoleChange(Role.LEADER, term, config.id(), "elected with votes " + votes));
  }

  private void becomeFollower(long newTerm, long leader, String why) {
    boolean newTermStarts = newTerm > term;
    if (newTermStarts) {
      term = newTerm;
      votedFor = NONE;
    }
    boolean changed = role != Role.FOLLOWER || leaderId != leader;
    // §6.4: a read index is only good from the leader of the term it was asked in; one re-elected in a
    // new term answers in that term, which no longer matches, so those reads are retried too.
    if (leaderId != leader || newTermStarts) {
      forwardedReads.abandonAll(leader == NONE ? OptionalLong.empty() : OptionalLong.of(leader));
    }
    role = Role.FOLLOWER;
    leaderId = leader;
    tally = null;
    endLeadership(leader == NONE ? OptionalLong.empty() : OptionalLong.of(leader));
    electionElapsed = 0;
    resetElectionTimer();
    if (changed) roleChanges.add(new RoleChange(Role.FOLLOWER, term, leader, why));
  }

  /** Leader state goes; reads it was still confirming are abandoned (§6.4: only a leader confirms them). */
  private void endLeadership(OptionalLong leaderHint) {
    if (leadership != null) leadership.abandonReads(leaderHint);
    leadership = null;
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
      configurations.written(log.appendFromLeader(ae.prevLogIndex(), ae.entries()));
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

  /**
   * InstallSnapshot receiver (Figure 13): a snapshot no newer than our commit index changes nothing;
   * otherwise the log continues after it (keeping agreeing entries, rules 6–7), the commit index and
   * the configuration become the snapshot's, and the runtime loads it into the state machine.
   */
  private void onInstallSnapshot(InstallSnapshot is) {
    followLeader(is.from());
    Snapshot s = is.snapshot();
    if (s.index() > log.committed()) {
      boolean kept = log.installSnapshot(s.index(), s.term());
      if (!config.broken(Mutation.KEEP_CONFIGURATION_ON_INSTALL)) configurations.installSnapshot(s.index(), s.configuration(), kept);
      snapshot = Optional.of(s);
      snapshotToInstall = Optional.of(s);
      notices.add("installing the snapshot of leader " + is.from() + " up to index " + s.index() + " ("
          + (kept ? "keeping the entries after it" : "replacing the whole log") + ")");
    }
    // Like an acknowledgement of entries, it promises durability: it leaves once the snapshot is stored.
    outbox.send(accept(is.from(), Math.max(log.committed(), s.index())), config.broken(Mutation.ACK_BEFORE_PERSIST));
  }

  private AppendResponse accept(long leader, long matchIndex) {
    return new AppendResponse(config.id(), leader, term, true, matchIndex, 0, 0);
  }

  private void onHeartbeat(Heartbeat hb) {
    followLeader(hb.from());
    log.commitTo(hb.commit());
    outbox.sendAfterPersist(new HeartbeatResponse(config.id(), hb.from(), term, hb.round(), hb.sentAt()));
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
    return m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot;
  }

  /**
   * A leader is known and was heard from within the minimum election timeout (dissertation §4.2.3,
   * with or without check-quorum: otherwise removed members that never learned of their removal
   * depose every leader of the remaining voters, forever).
   */
  private boolean inLease() {
    boolean heardFromLeader = leaderId != NONE && electionElapsed < config.electionTicks();
    // §6.4.1: a node that restarts forgot which leader it heard from last, and with it the promise
    // that leader's lease reads rely on; where leases are in use it keeps the promise for an election
    // timeout after it starts, whoever it was made to.
    return heardFromLeader || (config.leaseReads() && ticksSinceStart < config.electionTicks());
  }

  /** The quorum of the latest configuration: both majorities during a joint change (§6). */
  private Quorum quorum() {
    Configuration c = configuration();
    return c.isJoint() && config.broken(Mutation.JOINT_DECIDES_ON_NEW_ONLY) ? new MajorityQuorum(c.voters()) : c.quorum();
  }

  /**
   * §5.1: a request with a stale term is rejected with our term, which makes its sender step down. The
   * answer carries {@code sentAt} 0: it answers no heartbeat of our term, so no lease counts it (§6.4.1).
   */
  private void answerStale(Message m) {
    if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot) {
      outbox.sendAfterPersist(new HeartbeatResponse(config.id(), m.from(), term, 0));
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

  /** The configuration this node uses: the latest in its log, committed or not (§6). */
  public Configuration configuration() {
    return configurations.latest();
  }

  /** The latest configuration with the runtime's context (member addresses) that came with it. */
  public ConfigurationEntry configurationEntry() {
    return configurations.latestEntry();
  }

  /** Index of the entry that set {@link #configuration()}; 0 for the one the node started with. */
  public long configurationIndex() {
    return configurations.latestIndex();
  }

  /** As leader: every other member's replication progress; empty otherwise. */
  public Map<Long, MemberProgress> progress() {
    return role == Role.LEADER ? leadership.progress() : Map.of();
  }

  /** As leader: the member leadership is being handed to, if a transfer is in progress. */
  public OptionalLong transferTarget() {
    return role == Role.LEADER ? leadership.transferTarget() : OptionalLong.empty();
  }

  public HardState hardState() {
    return new HardState(term, votedFor, log.committed());
  }

  public long commitIndex() {
    return log.committed();
  }

  /** The first index still in the log; entries before it are in {@link #snapshot()}. */
  public long firstIndex() {
    return log.firstIndex();
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
