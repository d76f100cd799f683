package io.kuorum.server;

import com.google.protobuf.Message;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.ReadResult;
import io.kuorum.raft.ReadState;
import io.kuorum.server.ProposalException.Kind;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads served without log entries (ReadIndex, dissertation §6.4): each read is handed to the core,
 * which confirms it at an index (as leader, once a quorum has answered a heartbeat round; as
 * follower, once the leader answered its request; as leader in lease, at once); it is answered from
 * the state machine as soon as that index is applied. A read changes nothing, so one that fails (the
 * leader changed, the deadline passed) is simply retried by the client. Raft thread only.
 */
final class LinearizableReads {

  private record Pending(Command command, CompletableFuture<Message> answer, long deadlineNanos) {}

  /** {@code readId} orders reads confirmed at the same index by their arrival. */
  private record Confirmed(long index, long readId, Pending read) {}

  private final Function<OptionalLong, ProposalException> notLeader;
  private final Map<Long, Pending> unconfirmed = new HashMap<>();
  /**
   * Confirmed reads, lowest index first. Confirmations do not come in index order: a lease read
   * (§6.4.1) is confirmed at once at the commit index, ahead of an older ReadIndex read still waiting
   * for its round at a lower index, and a follower's answers from its leader (§6.4) may arrive out of
   * order. Each read waits for its own index only, never behind a higher one.
   */
  private final PriorityQueue<Confirmed> confirmed =
      new PriorityQueue<>(Comparator.comparingLong(Confirmed::index).thenComparingLong(Confirmed::readId));
  private long nextReadId;
  private final int maxPending;
  private final BiConsumer<CompletableFuture<Message>, Message> reply;

  /**
   * {@code notLeader} builds the error that points the client at the leader; at most {@code maxPending}
   * reads wait at once (the bound {@code --max-pending} also puts on writes), later ones are shed;
   * {@code reply} completes a served read with its answer (the node hands answers to {@link Replies}).
   */
  LinearizableReads(Function<OptionalLong, ProposalException> notLeader, int maxPending,
      BiConsumer<CompletableFuture<Message>, Message> reply) {
    this.notLeader = notLeader;
    this.maxPending = maxPending;
    this.reply = reply;
  }

  /** Answers reads as soon as they are served. */
  LinearizableReads(Function<OptionalLong, ProposalException> notLeader, int maxPending) {
    this(notLeader, maxPending, CompletableFuture::complete);
  }

  void start(RaftCore core, Command command, long deadlineNanos, CompletableFuture<Message> answer) {
    if (shed(answer)) return;
    long readId = ++nextReadId;
    track(readId, core.requestRead(readId), command, deadlineNanos, answer);
  }

  /**
   * A lease read (§6.4.1): the leader confirms it at once while its lease holds, else by ReadIndex.
   * The caller has brought the core's ticks up to date first: the lease is counted in them.
   */
  void startLease(RaftCore core, Command command, long deadlineNanos, CompletableFuture<Message> answer) {
    if (shed(answer)) return;
    long readId = ++nextReadId;
    track(readId, core.requestLeaseRead(readId), command, deadlineNanos, answer);
  }

  /** Too many reads wait already: this one is refused before the core sees it, and may be sent again. */
  private boolean shed(CompletableFuture<Message> answer) {
    int waiting = unconfirmed.size() + confirmed.size();
    if (waiting < maxPending) return false;
    answer.completeExceptionally(new ProposalException(Kind.OVERLOADED, waiting + " reads are waiting on this node,"
        + " the most --max-pending allows; retry later"));
    return true;
  }

  private void track(long readId, ReadResult r, Command command, long deadlineNanos, CompletableFuture<Message> answer) {
    if (r instanceof ReadResult.NotLeader nl) {
      answer.completeExceptionally(notLeader.apply(nl.leaderHint()));
    } else if (r instanceof ReadResult.Refused refused) {
      answer.completeExceptionally(new ProposalException(Kind.REFUSED, refused.reason()));
    } else {
      unconfirmed.put(readId, new Pending(command, answer, deadlineNanos));
    }
  }

  /** The core's answer to a read: queue it for the state machine, or send the client to the new leader. */
  void answered(ReadState state, KvStateMachine stateMachine) {
    Pending read = unconfirmed.remove(state.readId());
    if (read == null) return;
    if (state instanceof ReadState.Confirmed c) {
      confirmed.add(new Confirmed(c.index(), c.readId(), read));
      serve(stateMachine);
    } else {
      read.answer().completeExceptionally(notLeader.apply(((ReadState.Abandoned) state).leaderHint()));
    }
  }

  /** Answers every confirmed read whose index the state machine has applied, whatever order they came in. */
  void serve(KvStateMachine stateMachine) {
    while (!confirmed.isEmpty() && confirmed.peek().index() <= stateMachine.appliedIndex()) {
      Pending read = confirmed.poll().read();
      reply.accept(read.answer(), stateMachine.read(read.command()));
    }
  }

  void expire(long nowNanos) {
    for (Iterator<Pending> it = unconfirmed.values().iterator(); it.hasNext(); ) {
      Pending read = it.next();
      if (nowNanos - read.deadlineNanos() > 0) {
        it.remove();
        read.answer().completeExceptionally(new ProposalException(Kind.NO_LEADER,
            "the read was not confirmed before the deadline (no quorum answered the leader, or the leader's answer"
                + " was lost); retry"));
      }
    }
    // A follower cut off after its read was confirmed may not apply that far for long.
    confirmed.removeIf(c -> {
      if (nowNanos - c.read().deadlineNanos() <= 0) return false;
      c.read().answer().completeExceptionally(new ProposalException(Kind.NO_LEADER,
          "this member had not applied the log up to the read's index " + c.index() + " before the deadline; retry"));
      return true;
    });
  }

  void failAll(ProposalException why) {
    unconfirmed.values().forEach(r -> r.answer().completeExceptionally(why));
    confirmed.forEach(c -> c.read().answer().completeExceptionally(why));
    unconfirmed.clear();
    confirmed.clear();
  }
}
