package io.kuorum.server;

import com.google.protobuf.Message;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.ReadResult;
import io.kuorum.raft.ReadState;
import io.kuorum.server.ProposalException.Kind;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Reads served without log entries (ReadIndex, dissertation §6.4): each read is handed to the core,
 * which confirms it at an index once a quorum has answered a heartbeat round; it is answered from the
 * state machine as soon as that index is applied. A read changes nothing, so one that fails (the
 * leader changed, the deadline passed) is simply retried by the client. Raft thread only.
 */
final class LinearizableReads {

  private record Pending(Command command, CompletableFuture<Message> answer, long deadlineNanos) {}

  private record Confirmed(long index, Pending read) {}

  private final Function<OptionalLong, ProposalException> notLeader;
  private final Map<Long, Pending> unconfirmed = new HashMap<>();
  private final ArrayDeque<Confirmed> confirmed = new ArrayDeque<>();
  private long nextReadId;

  /** {@code notLeader} builds the error that points the client at the leader. */
  LinearizableReads(Function<OptionalLong, ProposalException> notLeader) {
    this.notLeader = notLeader;
  }

  void start(RaftCore core, Command command, long deadlineNanos, CompletableFuture<Message> answer) {
    long readId = ++nextReadId;
    ReadResult r = core.requestRead(readId);
    if (r instanceof ReadResult.NotLeader nl) {
      answer.completeExceptionally(notLeader.apply(nl.leaderHint()));
      return;
    }
    unconfirmed.put(readId, new Pending(command, answer, deadlineNanos));
  }

  /** The core's answer to a read: queue it for the state machine, or send the client to the new leader. */
  void answered(ReadState state, KvStateMachine stateMachine) {
    Pending read = unconfirmed.remove(state.readId());
    if (read == null) return;
    if (state instanceof ReadState.Confirmed c) {
      confirmed.addLast(new Confirmed(c.index(), read));
      serve(stateMachine);
    } else {
      read.answer().completeExceptionally(notLeader.apply(((ReadState.Abandoned) state).leaderHint()));
    }
  }

  /** Answers the confirmed reads whose index the state machine has applied (indexes only grow: the queue is in order). */
  void serve(KvStateMachine stateMachine) {
    while (!confirmed.isEmpty() && confirmed.peekFirst().index() <= stateMachine.appliedIndex()) {
      Pending read = confirmed.pollFirst().read();
      read.answer().complete(stateMachine.read(read.command()));
    }
  }

  void expire(long nowNanos) {
    for (Iterator<Pending> it = unconfirmed.values().iterator(); it.hasNext(); ) {
      Pending read = it.next();
      if (nowNanos - read.deadlineNanos() > 0) {
        it.remove();
        read.answer().completeExceptionally(new ProposalException(Kind.NO_LEADER,
            "the leader could not confirm it still leads before the deadline (no quorum answered); retry"));
      }
    }
  }

  void failAll(ProposalException why) {
    unconfirmed.values().forEach(r -> r.answer().completeExceptionally(why));
    confirmed.forEach(c -> c.read().answer().completeExceptionally(why));
    unconfirmed.clear();
    confirmed.clear();
  }
}
