package io.kuorum.raft.sim;

import io.kuorum.check.History;
import io.kuorum.check.KvInput;
import io.kuorum.check.KvOutput;
import io.kuorum.kv.proto.OpenSessionResponse;
import io.kuorum.kv.proto.SessionRefusal;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.ReadResult;
import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A client that runs one operation at a time against the cluster and records it in the history. It
 * looks for the leader (following hints), and gives up on an operation after a timeout: if the
 * operation was accepted somewhere, its outcome is then unknown; if not, it never happened.
 *
 * <p>With sessions (§6.3), a write is numbered in the client's session, and an attempt that gets no
 * answer in time, or whose entry was overwritten, is sent again with the same number, like the real
 * client: the cluster applies it once and answers every attempt with the first answer. A write whose
 * session the cluster forgot was not applied by that attempt; the next write opens a new session.
 */
final class SimClient {

  /** Short, so sessions also expire in the simulation: a client cut off for a second loses its session. */
  private static final int SESSION_TTL_SECONDS = 1;

  private final int id;
  private final Simulation sim;
  private final Random random;
  private final Random readChoice;
  /** Which kind of read skips the log, and which member a follower or serializable read goes to. */
  private final Random readKinds;
  private final History history;
  private final SimConfig config;
  /** The last value this client saw for each key: compare-and-set expects it, so some succeed. */
  private final Map<String, String> lastSeen = new HashMap<>();
  private long target;
  private long seq;

  /** The operation in progress. */
  private long opId = -1;
  private KvCommand command;
  private boolean accepted;
  private boolean finished = true;
  private ReadPath path = ReadPath.LOG;
  /** Session writes: the open session (0: none yet), the last number used, and whether one is being opened. */
  private long sessionId;
  private long sequence;
  private boolean opening;
  /** Attempts of the current write accepted by some leader: any of them may have been applied. */
  private int acceptedAttempts;
  int ok;
  int unknown;
  int failed;
  /** Reads answered, by the kinds that are neither through the log nor ReadIndex at the leader. */
  int anyMemberReads;
  int leaseReads;
  int serializableReads;

  /** How an operation reaches the cluster. */
  private enum ReadPath {
    /** Through the log, like a write (every write goes this way). */
    LOG,
    /** ReadIndex at the leader (§6.4): a follower it reaches first points at the leader. */
    LEADER,
    /** ReadIndex at whichever member it reaches: a follower asks the leader for the read index. */
    ANY_MEMBER,
    /** A lease read at the leader (§6.4.1). */
    LEASE,
    /** Answered by whichever member it reaches from its own state; may be stale. */
    SERIALIZABLE
  }

  SimClient(int id, Simulation sim, Random random, Random readChoice, Random readKinds, History history, SimConfig config) {
    this.id = id;
    this.readChoice = readChoice;
    this.readKinds = readKinds;
    this.sim = sim;
    this.random = random;
    this.history = history;
    this.config = config;
    this.target = sim.nodeIds().get(random.nextInt(sim.nodeIds().size()));
  }

  void start() {
    sim.events().after(random.nextInt(20), this::nextOp);
  }

  private void nextOp() {
    if (sim.clientsStopped()) return;
    String key = "k" + random.nextInt(config.keys());
    int roll = random.nextInt(10);
    KvInput input;
    if (roll < 4) input = new KvInput.Put("c" + id + "." + (++seq));
    else if (roll < 7) input = new KvInput.Get();
    else input = new KvInput.Cas(Optional.ofNullable(lastSeen.get(key)), "c" + id + "." + (++seq));
    // Some reads go through the log, the others through ReadIndex (§6.4): both must be linearizable. The
    // choice has its own random source, so runs without ReadIndex reads replay exactly as before.
    boolean viaReadIndex = input instanceof KvInput.Get && config.readIndexPercent() > 0
        && readChoice.nextInt(100) < config.readIndexPercent();
    path = viaReadIndex ? readPath() : ReadPath.LOG;
    long op = path == ReadPath.SERIALIZABLE
        ? history.invokeSerializableRead(id, key, sim.events().now())
        : history.invoke(id, key, input, sim.events().now());
    opId = op;
    command = new KvCommand(op, key, input);
    accepted = false;
    finished = false;
    acceptedAttempts = 0;
    sim.events().after(config.opTimeoutMs(), () -> timeout(op));
    if (config.sessions() && command.isWrite()) {
      if (sessionId == 0) opening = true;
      else command = command.inSession(sessionId, ++sequence);
    }
    attempt(op);
  }

  private void attempt(long op) {
    sim.events().after(1 + random.nextInt(3), () -> {
      if (op != opId || finished || accepted) return;
      SimNode node = sim.node(attemptTarget());
      if (node.isPaused()) {
        holdAt(node, op);
        return;
      }
      if (!node.isUp()) {
        retryElsewhere(op, -1);
        return;
      }
      send(node, op);
    });
  }

  /**
   * The node is SIGSTOPped: the request waits in its socket and is handled when the node resumes, maybe
   * before it learns that it was deposed meanwhile. The client cannot tell it from a slow answer.
   */
  private void holdAt(SimNode node, long op) {
    KvCommand held = command;
    boolean write = !opening && command.isWrite();
    accepted = true;
    if (write && config.sessions()) awaitAnswer(op, ++acceptedAttempts);
    node.whenRunning(() -> {
      if (op == opId && !finished) {
        accepted = false;
        send(node, op);
      } else if (write) {
        node.propose(held); // it arrives after the client gave up, and may still be applied
      }
    });
  }

  private void send(SimNode node, long op) {
    switch (path) {
      case LEADER -> {
        // A follower points at the leader (it is not asked to forward this read).
        if (!node.leads()) retryElsewhere(op, node.core().leader().orElse(-1));
        else if (node.read(command) instanceof ReadResult.Pending) accepted = true;
        return;
      }
      case ANY_MEMBER, LEASE -> {
        ReadResult r = path == ReadPath.LEASE ? node.leaseRead(command) : node.read(command);
        if (r instanceof ReadResult.Pending) accepted = true;
        else if (r instanceof ReadResult.NotLeader nl) retryElsewhere(op, nl.leaderHint().orElse(-1));
        else throw new IllegalStateException("node " + node.id + " refused a read: " + ((ReadResult.Refused) r).reason());
        return;
      }
      case SERIALIZABLE -> {
        Optional<KvOutput> local = node.readLocal(command);
        if (local.isPresent()) committed(op, local.get());
        else retryElsewhere(op, -1); // not a member (yet, or any more): no state worth reading
        return;
      }
      case LOG -> { }
    }
    ProposeResult r = opening ? node.openSession(op, SESSION_TTL_SECONDS) : node.propose(command);
    if (r instanceof ProposeResult.Accepted) {
      accepted = true;
      if (config.sessions()) awaitAnswer(op, opening ? acceptedAttempts : ++acceptedAttempts);
    } else if (r instanceof ProposeResult.NotLeader nl) retryElsewhere(op, nl.leaderHint().orElse(-1));
    else retryElsewhere(op, -1); // refused while handing leadership over: another node will lead
  }

  /** An accepted attempt that stays unanswered is sent again, to whichever node leads by then. */
  private void awaitAnswer(long op, int attemptNumber) {
    sim.events().after(config.opTimeoutMs() / 4, () -> {
      if (op != opId || finished || !accepted || attemptNumber != acceptedAttempts) return;
      accepted = false;
      retryElsewhere(op, -1);
    });
  }

  private void retryElsewhere(long op, long hint) {
    List<Long> ids = sim.nodeIds();
    target = hint > 0 ? hint : ids.get(random.nextInt(ids.size()));
    sim.events().after(5 + random.nextInt(10), () -> attempt(op));
  }

  /**
   * How a read that skips the log is served, drawn from its own random source. Reads that may go to
   * any member are sent to one at random (the client's leader-seeking target stays as it was).
   */
  private ReadPath readPath() {
    SimConfig.ReadKinds kinds = config.readKinds();
    if (!kinds.any()) return ReadPath.LEADER;
    int roll = readKinds.nextInt(100);
    ReadPath chosen;
    if (roll < kinds.followerPercent()) chosen = ReadPath.ANY_MEMBER;
    else if ((roll -= kinds.followerPercent()) < kinds.leasePercent()) chosen = config.leaseReads() ? ReadPath.LEASE : ReadPath.LEADER;
    else if ((roll -= kinds.leasePercent()) < kinds.serializablePercent()) chosen = ReadPath.SERIALIZABLE;
    else chosen = ReadPath.LEADER;
    return chosen;
  }

  /** The member the next attempt goes to: a random one for reads any member serves, else the leader-seeking target. */
  private long attemptTarget() {
    if (path == ReadPath.ANY_MEMBER || path == ReadPath.SERIALIZABLE) {
      List<Long> ids = sim.nodeIds();
      return ids.get(readKinds.nextInt(ids.size()));
    }
    return target;
  }

  /** The state machine's answer to one of this operation's attempts (any attempt: a retry gets the first answer). */
  void answered(long op, Message answer) {
    if (op != opId || finished) return;
    if (answer instanceof OpenSessionResponse opened) {
      if (!opening) return; // a duplicate open, answered after the write moved on: that session stays unused
      sessionId = opened.getSessionId();
      opening = false;
      command = command.inSession(sessionId, ++sequence);
      accepted = false;
      attempt(op);
      return;
    }
    if (answer instanceof SessionRefusal refusal) {
      sessionRefused(op, refusal);
      return;
    }
    committed(op, KvCommand.output(answer));
  }

  private void sessionRefused(long op, SessionRefusal refusal) {
    if (refusal.getReason() != SessionRefusal.Reason.UNKNOWN_SESSION) {
      sim.violation("client " + id + " got an unexpected session refusal: " + refusal.getMessage());
    }
    sessionId = 0;
    // This attempt was not applied; an earlier one may have been, before the cluster forgot the session.
    giveUp(op, acceptedAttempts > 1);
  }

  private void committed(long op, KvOutput output) {
    history.ok(op, output, sim.events().now());
    if (path == ReadPath.ANY_MEMBER) anyMemberReads++;
    else if (path == ReadPath.LEASE) leaseReads++;
    else if (path == ReadPath.SERIALIZABLE) serializableReads++;
    if (command.input() instanceof KvInput.Put p) lastSeen.put(command.key(), p.value());
    if (output instanceof KvOutput.GetResult g) g.value().ifPresent(v -> lastSeen.put(command.key(), v));
    ok++;
    finish();
  }

  /** The leader stopped leading before confirming the read: a read changes nothing, so it is simply retried. */
  void readAbandoned(long op, long leaderHint) {
    if (op != opId || finished) return;
    accepted = false;
    retryElsewhere(op, leaderHint);
  }

  void lost(long op) {
    if (op != opId || finished) return;
    if (config.sessions() && (command.isWrite() || opening)) {
      // Another attempt may still have been applied: only a retry in the session can tell.
      accepted = false;
      retryElsewhere(op, -1);
      return;
    }
    giveUp(op, false);
  }

  private void timeout(long op) {
    if (op != opId || finished) return;
    giveUp(op, config.sessions() && command.isWrite() ? acceptedAttempts > 0 : accepted);
  }

  /** Ends the operation without an answer: its outcome is unknown if it may have been applied, else it failed. */
  private void giveUp(long op, boolean mayHaveApplied) {
    if (mayHaveApplied) {
      history.unknown(op);
      unknown++;
    } else {
      history.fail(op);
      failed++;
    }
    finish();
  }

  private void finish() {
    finished = true;
    sim.events().after(random.nextInt(15), this::nextOp);
  }

  /** At the end of a run, an operation still waiting has an unknown outcome. */
  void abandon() {
    if (!finished) timeout(opId);
  }
}
