package io.kuorum.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.metrics.NodeMetrics;
import io.kuorum.metrics.RaftMetrics;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.Entry;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.Ready;
import io.kuorum.raft.Role;
import io.kuorum.raft.RoleChange;
import io.kuorum.raft.TransferResult;
import io.kuorum.server.ProposalException.Kind;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.storage.LogStore;
import io.kuorum.transport.PeerTransport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of one Raft member. One thread owns the {@link RaftCore}: every input (ticks, peer
 * messages, client proposals, storage completions) reaches it as a task in the {@link RaftInbox}, so
 * the core needs no locks, and each is handled only once the core's ticks are up to the clock. Around it, a {@link StorageWriter} makes Ready batches durable with group commit
 * and the transport sends messages; neither ever blocks the Raft thread.
 */
public final class RaftNode implements Replica {

  private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

  private record Waiter(long term, CompletableFuture<Message> answer, long deadlineNanos) {}

  /**
   * A membership change waiting for its entry at (index, term) to apply; with {@code untilLeaveJoint}
   * (ChangeVoters) it waits further, for the C_new entry the leader appends once C_old,new commits.
   */
  private static final class ChangeWaiter {
    final long index;
    final long term;
    final boolean untilLeaveJoint;
    final CompletableFuture<MembershipOutcome> answer;
    final long deadlineNanos;
    final long startNanos = System.nanoTime();
    boolean jointCommitted;

    ChangeWaiter(long index, long term, boolean untilLeaveJoint, CompletableFuture<MembershipOutcome> answer, long deadlineNanos) {
      this.index = index;
      this.term = term;
      this.untilLeaveJoint = untilLeaveJoint;
      this.answer = answer;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private record TransferWaiter(long target, CompletableFuture<TransferOutcome> answer, long deadlineNanos, long startNanos) {}

  private final NodeConfig config;
  private final PeerTransport transport;
  private final KvStateMachine stateMachine;
  private final RaftCore core;
  private final StorageWriter writer;
  private final LocalSnapshots snapshots;
  private final Consumer<Throwable> onFatal;
  private final RaftMetrics metrics;
  /** Runs every input after bringing the core's ticks up to date (§6.4.1; see {@link RaftInbox}). */
  private final RaftInbox inbox = new RaftInbox(this::tickToNow);
  private final ScheduledExecutorService ticker;
  private final AtomicBoolean tickQueued = new AtomicBoolean();
  /** Owned by the Raft thread: how many ticks the core is owed by the monotonic clock. */
  private final TickClock tickClock;
  private final Thread thread;
  // Owned by the Raft thread:
  private final Map<Long, Waiter> waiters = new HashMap<>();
  private final ArrayDeque<Ready> writing = new ArrayDeque<>();
  private final CommitDeferral commits;
  private final LinearizableReads reads;
  private final Replies replies;
  private final List<ChangeWaiter> changeWaiters = new ArrayList<>();
  private final List<TransferWaiter> transferWaiters = new ArrayList<>();
  /** Addresses from --members and this node's own: used until the log says otherwise. */
  private final MemberDirectory bootstrap;
  private long directoryIndex = -1;
  private volatile MemberDirectory directory;
  /**
   * Members a configuration removed, still reachable until that configuration commits: the leader
   * that proposed it may be among them and needs this node's acknowledgement to commit it.
   */
  private Map<Long, String> departing = Map.of();
  private long departingUntil;
  // Read by other threads:
  private volatile NodeStatus status;
  private volatile boolean accepting = true;
  private volatile boolean running = true;
  private volatile int pending;

  public RaftNode(NodeConfig config, LogStore store, SnapshotDirectory snapshotDirectory, PeerTransport transport,
      KvStateMachine stateMachine, Random random, Consumer<Throwable> onFatal, NodeMetrics metrics) {
    this.config = config;
    this.replies = new Replies(config.id());
    this.reads = new LinearizableReads(this::notLeader, config.maxPendingProposals(), replies::add);
    this.metrics = metrics.raft();
    this.transport = transport;
    this.stateMachine = stateMachine;
    this.onFatal = onFatal;
    // Not among --members: start without a configuration and wait to be added to a running cluster.
    Set<Long> voters = config.self().isPresent() ? config.members().stream().map(Member::id).collect(Collectors.toSet()) : Set.of();
    this.bootstrap = MemberDirectory.of(config.members()).with(config.asMember());
    this.directory = bootstrap;
    RaftConfig raft = RaftConfig.defaults(config.id(), voters)
        .withElection(config.electionTicks(), config.heartbeatTicks(), true, true)
        .withLeaseReads(true);
    this.snapshots = new LocalSnapshots(config.id(), snapshotDirectory, config.snapshots(), metrics.snapshots());
    try {
      LocalSnapshots.Restored restored = snapshots.restore(store, stateMachine);
      this.core = RaftCore.start(raft, store.hardState(), restored.snapshot(), restored.log(), random);
    } catch (IllegalArgumentException e) {
      throw new StartupException("the log in " + config.dataDir() + " cannot be loaded: " + e.getMessage()
          + " (written by a newer Kuorum version, or damaged: restore the member from a backup or re-add it under a new id)", e);
    }
    this.commits = new CommitDeferral(store.hardState());
    this.writer = new StorageWriter(config.id(), store, n -> post(() -> persisted(n)), this::fail, metrics.storage());
    refreshMembership();
    this.status = snapshot();
    // After a pause, four election timeouts of ticks at once: every timer has fired, every lease lapsed.
    this.tickClock = new TickClock(TimeUnit.MILLISECONDS.toNanos(config.tickMs()), 4L * config.electionTicks(),
        System.nanoTime());
    this.thread = new Thread(this::loop, "kuorum-raft-" + config.id());
    this.thread.start();
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kuorum-ticker-" + config.id());
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::queueTick, config.tickMs(), config.tickMs(), TimeUnit.MILLISECONDS);
    log.info("node {} started: term {}, log {} entries, commit {}, {}", config.id(), core.term(),
        core.lastIndex(), core.commitIndex(), core.configuration());
    if (core.configuration().isEmpty()) {
      log.info("node {} is not a member of any cluster yet and waits to be added; on the cluster run: kuorumctl members"
          + " add-learner {} {} --client-address {}", config.id(), config.id(), config.advertisePeer(), config.advertiseClient());
    }
  }

  // ---------------------------------------------------------------- inputs from other threads

  @Override
  public CompletableFuture<Message> submit(Command command, long deadlineNanos) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    answer.whenComplete(this::countProposal);
    if (!accepting || !post(() -> propose(command, deadlineNanos, answer))) answer.completeExceptionally(stopped());
    return answer;
  }

  /** On the thread that answers the proposal (mostly the Raft thread): two lock-free counter adds. */
  private void countProposal(Message answer, Throwable failure) {
    if (failure == null) metrics.proposalCommitted();
    else if (failure instanceof ProposalException p) metrics.proposalFailed(p.kind().name());
    else metrics.proposalFailed(RaftMetrics.OTHER_REASON);
  }

  @Override
  public CompletableFuture<Message> read(Command command, long deadlineNanos) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    if (!accepting || !post(() -> reads.start(core, command, deadlineNanos, answer))) answer.completeExceptionally(stopped());
    return answer;
  }

  @Override
  public CompletableFuture<Message> readLease(Command command, long deadlineNanos) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    // §6.4.1: the lease is counted in ticks; the inbox brings them up to the clock before this runs.
    if (!accepting || !post(() -> reads.startLease(core, command, deadlineNanos, answer))) {
      answer.completeExceptionally(stopped());
    }
    return answer;
  }

  @Override
  public CompletableFuture<Message> readLocal(Command command) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    if (!accepting || !post(() -> readLocally(command, answer))) answer.completeExceptionally(stopped());
    return answer;
  }

  private void readLocally(Command command, CompletableFuture<Message> answer) {
    if (!core.configuration().members().contains(config.id())) {
      answer.completeExceptionally(notLeader(core.leader())); // not a member: no state worth reading
      return;
    }
    replies.add(answer, stateMachine.read(command));
  }

  /** Stepped only after the overdue ticks (see {@link RaftInbox}): its answer must not outlive the promise. */
  @Override
  public void deliver(io.kuorum.raft.Message message) {
    post(() -> {
      try {
        core.step(message);
      } catch (IllegalArgumentException e) {
        log.warn("dropped a malformed message from {}: {}", message.from(), e.getMessage());
      }
    });
  }

  @Override
  public NodeStatus status() {
    return status;
  }

  @Override
  public CompletableFuture<MembershipOutcome> changeMembership(MembershipRequest request, long deadlineNanos) {
    CompletableFuture<MembershipOutcome> answer = new CompletableFuture<>();
    if (!accepting || !post(() -> proposeChange(request, deadlineNanos, answer))) answer.completeExceptionally(stopped());
    return answer;
  }

  @Override
  public CompletableFuture<TransferOutcome> transferLeadership(long target, long deadlineNanos) {
    CompletableFuture<TransferOutcome> answer = new CompletableFuture<>();
    if (!accepting || !post(() -> startTransfer(target, deadlineNanos, answer))) answer.completeExceptionally(stopped());
    return answer;
  }

  @Override
  public CompletableFuture<HeldSnapshot> saveSnapshot(long deadlineNanos) {
    CompletableFuture<HeldSnapshot> answer = new CompletableFuture<>();
    // The barrier is a log entry (a Get of the empty key): once it applies, this node led in its term
    // with a quorum behind it, and every write acknowledged before the call is applied before it (a
    // commit index alone could be stale on a new or deposed leader).
    Command barrier = Command.newBuilder().setGet(GetRequest.newBuilder().setKey(ByteString.EMPTY)).build();
    submit(barrier, deadlineNanos).whenComplete((applied, failure) -> {
      if (failure != null) {
        answer.completeExceptionally(failure);
      } else if (!post(() -> {
        snapshots.requestBackup(answer, deadlineNanos);
        snapshots.serveBackups(core, stateMachine, this::post, this::snapshotDurable);
      })) {
        answer.completeExceptionally(stopped());
      }
    });
    return answer;
  }

  @Override
  public void stopAccepting() {
    accepting = false;
  }

  @Override
  public int pendingRequests() {
    return pending;
  }

  private void queueTick() {
    if (tickQueued.compareAndSet(false, true)) {
      post(() -> {
        tickQueued.set(false); // the inbox ticked the core up to now before this task
        expireWaiters();
        reads.expire(System.nanoTime());
        expireAdminWaiters();
      });
    }
  }

  /**
   * Ticks the core for every tick period that passed, including any the ticker could not deliver. The
   * inbox calls it before every input, so the core never handles one at a tick count behind the clock.
   */
  private void tickToNow() {
    for (long due = tickClock.due(System.nanoTime()); due > 0; due--) core.tick();
  }

  /** Queues a task for the Raft thread; false once the node stopped (the task will never run). */
  private boolean post(Runnable task) {
    if (!running) return false;
    inbox.add(task);
    return true;
  }

  private ProposalException stopped() {
    return new ProposalException(Kind.SHUTTING_DOWN, "node " + config.id() + " is shutting down or stopped");
  }

  // ---------------------------------------------------------------- the Raft thread

  private void loop() {
    try {
      while (running) {
        if (inbox.runBatch(100, TimeUnit.MILLISECONDS, 4097) == 0) continue;
        processReady();
        forgetDeparted();
        checkTransfers();
        replies.flush();
        status = snapshot();
        pending = waiters.size();
        metrics.leaderObserved(status.leaderId().isPresent(), status.term());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  private void propose(Command command, long deadlineNanos, CompletableFuture<Message> answer) {
    if (waiters.size() >= config.maxPendingProposals()) {
      answer.completeExceptionally(new ProposalException(Kind.OVERLOADED, "node " + config.id() + " has "
          + waiters.size() + " requests waiting for commit; retry later"));
      return;
    }
    ProposeResult result = core.propose(command.toByteArray());
    if (result instanceof ProposeResult.Accepted a) {
      waiters.put(a.index(), new Waiter(a.term(), answer, deadlineNanos));
    } else if (result instanceof ProposeResult.NotLeader nl) {
      answer.completeExceptionally(notLeader(nl.leaderHint()));
    } else if (result instanceof ProposeResult.Refused r) {
      // The leader is handing over: the request was not proposed, and the new leader will take it.
      answer.completeExceptionally(new ProposalException(Kind.NO_LEADER, "node " + config.id() + ": " + r.reason()));
    } else {
      throw new IllegalStateException("a command cannot be a no-op change: " + result);
    }
  }

  private ProposalException notLeader(OptionalLong leader) {
    if (core.configuration().isEmpty()) {
      return new ProposalException(Kind.NOT_IN_CLUSTER, "node " + config.id() + " is not part of a cluster yet: it waits"
          + " to be added with kuorumctl members add-learner " + config.id() + " " + config.advertisePeer());
    }
    if (!core.configuration().members().contains(config.id())) {
      return new ProposalException(Kind.NOT_IN_CLUSTER, "node " + config.id() + " was removed from the cluster by the"
          + " configuration at index " + core.configurationIndex() + "; ask another member");
    }
    if (leader.isEmpty()) {
      return new ProposalException(Kind.NO_LEADER, "node " + config.id() + " knows no leader yet (election in progress); retry");
    }
    Optional<String> address = directory.member(leader.getAsLong()).map(Member::clientAddress);
    return new ProposalException(Kind.NOT_LEADER, "node " + config.id() + " is not the leader; the leader is node "
        + leader.getAsLong() + address.map(a -> " at " + a).orElse(""), leader, address);
  }

  // ---------------------------------------------------------------- membership and transfer

  private void proposeChange(MembershipRequest request, long deadlineNanos, CompletableFuture<MembershipOutcome> answer) {
    long start = System.nanoTime();
    MemberDirectory members = directory;
    ProposeResult result;
    if (request instanceof MembershipRequest.AddLearner add) {
      result = core.addLearner(add.member().id(), members.with(add.member()).encode());
    } else if (request instanceof MembershipRequest.RemoveLearner remove) {
      result = core.removeLearner(remove.id(), members.encode());
    } else {
      result = core.changeVoters(((MembershipRequest.ChangeVoters) request).voters(), members.encode());
    }
    if (result instanceof ProposeResult.Accepted a) {
      log.info("node {} proposed {} at index {}", config.id(), request, a.index());
      changeWaiters.add(new ChangeWaiter(a.index(), a.term(), request instanceof MembershipRequest.ChangeVoters, answer,
          deadlineNanos));
    } else if (result instanceof ProposeResult.Unchanged u) {
      answer.complete(new MembershipOutcome(false, u.what(), 0, since(start)));
    } else if (result instanceof ProposeResult.Refused r) {
      answer.completeExceptionally(new ProposalException(Kind.REFUSED, r.reason()));
    } else {
      answer.completeExceptionally(notLeader(((ProposeResult.NotLeader) result).leaderHint()));
    }
  }

  private void startTransfer(long target, long deadlineNanos, CompletableFuture<TransferOutcome> answer) {
    long start = System.nanoTime();
    TransferResult result = core.transferLeadership(target);
    if (result instanceof TransferResult.Started s) {
      log.info("node {} hands leadership to node {}", config.id(), s.target());
      transferWaiters.add(new TransferWaiter(s.target(), answer, deadlineNanos, start));
    } else if (result instanceof TransferResult.AlreadyLeader a) {
      answer.complete(new TransferOutcome(a.target(), "node " + a.target() + " already leads", since(start)));
    } else if (result instanceof TransferResult.Refused r) {
      answer.completeExceptionally(new ProposalException(Kind.REFUSED, r.reason()));
    } else {
      answer.completeExceptionally(notLeader(((TransferResult.NotLeader) result).leaderHint()));
    }
  }

  /** Completes transfers: done once another node leads; abandoned when the leader gave up on it. */
  private void checkTransfers() {
    if (transferWaiters.isEmpty()) return;
    OptionalLong leader = core.leader();
    boolean stillHandingOver = core.role() == Role.LEADER && core.transferTarget().isPresent();
    for (Iterator<TransferWaiter> it = transferWaiters.iterator(); it.hasNext(); ) {
      TransferWaiter w = it.next();
      if (leader.isPresent() && leader.getAsLong() != config.id()) {
        it.remove();
        long now = leader.getAsLong();
        w.answer().complete(new TransferOutcome(now, now == w.target() ? "node " + now + " leads now"
            : "node " + now + " leads now (not " + w.target() + ", which lost the election)", since(w.startNanos())));
      } else if (core.role() == Role.LEADER && !stillHandingOver) {
        it.remove();
        w.answer().completeExceptionally(new ProposalException(Kind.ABANDONED, "node " + w.target()
            + " did not take over within an election timeout; node " + config.id() + " still leads. Check that "
            + w.target() + " is up and reachable, then retry"));
      }
    }
  }

  /** Keeps the address book and the transport's peers in step with the latest configuration in the log. */
  private void refreshMembership() {
    long at = core.configurationIndex();
    if (at == directoryIndex) return;
    directoryIndex = at;
    ConfigurationEntry latest = core.configurationEntry();
    Configuration c = latest.configuration();
    MemberDirectory fromLog = latest.context().length == 0 ? bootstrap : MemberDirectory.decode(latest.context());
    MemberDirectory before = directory;
    directory = c.isEmpty() ? bootstrap : fromLog.withFallback(bootstrap).retain(c.members());
    Map<Long, String> gone = new HashMap<>(before.peersOf(config.id()));
    gone.putAll(departing);
    gone.keySet().removeAll(directory.peersOf(config.id()).keySet());
    departing = Map.copyOf(gone);
    departingUntil = at;
    updatePeers();
    if (at > 0) log.info("node {}: membership is now {} (configuration at index {}), addresses {}", config.id(), c, at, directory);
  }

  private void updatePeers() {
    Map<Long, String> peers = new HashMap<>(departing);
    peers.putAll(directory.peersOf(config.id()));
    transport.updatePeers(peers);
  }

  /** Once the configuration that removed members is committed, they need no more answers. */
  private void forgetDeparted() {
    if (!departing.isEmpty() && core.commitIndex() >= departingUntil) {
      departing = Map.of();
      updatePeers();
    }
  }

  /** Completes the membership changes that {@code e} decides: committed, finished, or overwritten. */
  private void changeApplied(Entry e) {
    Configuration applied = e.type() == Entry.Type.CONFIG ? ConfigurationEntry.decode(e.data()).configuration() : null;
    for (Iterator<ChangeWaiter> it = changeWaiters.iterator(); it.hasNext(); ) {
      ChangeWaiter w = it.next();
      if (w.index == e.index()) {
        if (w.term != e.term() || applied == null) {
          it.remove();
          w.answer.completeExceptionally(new ProposalException(Kind.LOST,
              "the change was overwritten in a leader change before it committed; it was not applied; retry"));
        } else if (w.untilLeaveJoint && applied.isJoint()) {
          w.jointCommitted = true;
        } else {
          it.remove();
          w.answer.complete(new MembershipOutcome(true, "now " + applied, e.index(), since(w.startNanos)));
        }
      } else if (w.jointCommitted && e.index() > w.index && applied != null && !applied.isJoint()) {
        it.remove();
        w.answer.complete(new MembershipOutcome(true, "voters changed: now " + applied, e.index(), since(w.startNanos)));
      }
    }
  }

  private void expireAdminWaiters() {
    long now = System.nanoTime();
    snapshots.expireBackups(now);
    changeWaiters.removeIf(w -> {
      if (now - w.deadlineNanos <= 0) return false;
      w.answer.completeExceptionally(new ProposalException(Kind.OUTCOME_UNKNOWN, "the deadline passed before the change"
          + (w.jointCommitted ? " completed (C_old,new is committed; the leader finishes it on its own)" : " committed")
          + "; it may still complete: check kuorumctl members list"));
      return true;
    });
    transferWaiters.removeIf(w -> {
      if (now - w.deadlineNanos() <= 0) return false;
      w.answer().completeExceptionally(new ProposalException(Kind.OUTCOME_UNKNOWN,
          "the deadline passed before node " + w.target() + " took over; the transfer may still complete"));
      return true;
    });
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Carries out every Ready: replication leaves now, the rest after the storage thread made it durable. */
  private void processReady() {
    for (Optional<Ready> next = core.ready(); next.isPresent(); next = core.ready()) {
      Ready r = next.get();
      refreshMembership(); // before sending: a member added by this batch must be reachable for it
      r.roleChanges().forEach(this::logRoleChange);
      r.notices().forEach(n -> log.info("node {}: {}", config.id(), n));
      r.sendNow().forEach(transport::send);
      r.reads().forEach(read -> reads.answered(read, stateMachine)); // reads wait for the state machine only
      carryOut(commits.adjust(r));
    }
  }

  private void carryOut(Ready r) {
    if (r.mustPersist() || !writing.isEmpty()) {
      writing.addLast(r); // keeps order: a later batch never overtakes one still being written
      writer.submit(r);
    } else {
      finish(r);
    }
  }

  private void persisted(int batches) {
    for (int i = 0; i < batches; i++) finish(writing.pollFirst());
  }

  private void finish(Ready r) {
    // A leader's snapshot replaces the state before the entries after it apply, in log order, and
    // before it is acknowledged: a snapshot that cannot be loaded must not be promised.
    r.snapshot().ifPresent(s -> snapshots.load(s, stateMachine));
    r.sendAfterPersist().forEach(transport::send);
    if (!r.committed().isEmpty()) {
      long start = System.nanoTime();
      for (Entry e : r.committed()) apply(e);
      metrics.applied(System.nanoTime() - start);
    }
    reads.serve(stateMachine);
    core.advance(r);
    snapshots.maybeTake(core, stateMachine, this::post, this::snapshotDurable);
    snapshots.serveBackups(core, stateMachine, this::post, this::snapshotDurable);
  }

  /** A snapshot this node took is on disk: the core forgets the entries it covers, storage follows. */
  private void snapshotDurable(io.kuorum.raft.Snapshot snapshot, long storeTo) {
    core.compact(snapshot);
    writer.compact(storeTo);
  }

  private void apply(Entry e) {
    snapshots.applied(e);
    Message answer = null;
    if (e.type() == Entry.Type.COMMAND) answer = stateMachine.apply(e.index(), e.data());
    else stateMachine.skip(e.index());
    if (!changeWaiters.isEmpty()) changeApplied(e);
    Waiter w = waiters.remove(e.index());
    if (w == null) return;
    if (answer != null && w.term() == e.term()) {
      replies.add(w.answer(), answer);
    } else {
      w.answer().completeExceptionally(new ProposalException(Kind.LOST,
          "the request was overwritten in a leader change before it committed; it was not applied; retry"));
    }
  }

  private void expireWaiters() {
    long now = System.nanoTime();
    for (Iterator<Waiter> it = waiters.values().iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (now - w.deadlineNanos() > 0) {
        it.remove();
        w.answer().completeExceptionally(new ProposalException(Kind.OUTCOME_UNKNOWN,
            "the deadline passed before the request committed; it may still be applied"));
      }
    }
  }

  private void logRoleChange(RoleChange rc) {
    switch (rc.role()) {
      case LEADER -> log.info("node {} became leader of term {} ({})", config.id(), rc.term(), rc.reason());
      case FOLLOWER -> log.info("node {} follows {} in term {} ({})", config.id(),
          rc.leader() == 0 ? "no leader yet" : "node " + rc.leader(), rc.term(), rc.reason());
      case PRE_CANDIDATE -> log.info("node {} starts a pre-vote for term {} ({})", config.id(), rc.term(), rc.reason());
      case CANDIDATE -> log.info("node {} campaigns in term {} ({})", config.id(), rc.term(), rc.reason());
    }
  }

  private NodeStatus snapshot() {
    return new NodeStatus(config.id(), core.configuration().members().contains(config.id()), core.role(), core.term(), core.leader(),
        core.commitIndex(), core.appliedIndex(), core.lastIndex(), core.configuration(), directory, core.progress(),
        core.transferTarget(), config.tickMs(), stateMachine.sessionCount(), stateMachine.sessionRetriesAnswered());
  }

  private void fail(Throwable cause) {
    if (!running) return;
    running = false;
    log.error("node {} stops: {}", config.id(), cause.toString(), cause);
    onFatal.accept(cause);
  }

  // ---------------------------------------------------------------- shutdown

  /** Stops ticking and the Raft thread, lets the storage thread finish its writes, answers whoever still waits. */
  @Override
  public void close() {
    accepting = false;
    ticker.shutdownNow();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    post(() -> {
      processReady();
      // a clean stop leaves the latest commit index on disk, so the restart replays all it can
      commits.takeDeferred().ifPresent(hs -> carryOut(Ready.ofHardState(hs)));
      running = false;
      drained.complete(null);
    });
    try {
      drained.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      running = false;
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    replies.close();
    writer.close();
    snapshots.close();
    reads.failAll(new ProposalException(Kind.SHUTTING_DOWN, "node " + config.id() + " stopped before the read was "
        + "served; retry at another member"));
    for (Waiter w : waiters.values()) {
      w.answer().completeExceptionally(new ProposalException(Kind.OUTCOME_UNKNOWN,
          "node " + config.id() + " stopped while the request was in its log; it may still be applied"));
    }
    waiters.clear();
    for (ChangeWaiter w : changeWaiters) {
      w.answer.completeExceptionally(new ProposalException(Kind.OUTCOME_UNKNOWN,
          "node " + config.id() + " stopped while the change was in its log; it may still complete"));
    }
    for (TransferWaiter w : transferWaiters) {
      w.answer().completeExceptionally(new ProposalException(Kind.OUTCOME_UNKNOWN,
          "node " + config.id() + " stopped during the transfer"));
    }
    changeWaiters.clear();
    transferWaiters.clear();
    log.info("node {} stopped at term {}, commit {}", config.id(), core.term(), core.commitIndex());
  }
}
