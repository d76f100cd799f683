package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.raft.HardState;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.ReadState;
import io.kuorum.raft.Role;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The runtime's queue of confirmed reads (dissertation §6.4, §6.4.1): each waits for its own index only. */
class LinearizableReadsTest {

  private static final Command GET = Command.newBuilder()
      .setGet(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))).build();

  @Test
  void aReadConfirmedAtALowerIndexIsNotHeldBehindOneConfirmedEarlierAtAHigherIndex() {
    RaftCore leader = singleVoterLeader();
    KvStateMachine state = new KvStateMachine(KvLimits.DEFAULT);
    for (long i = 1; i <= 3; i++) state.skip(i);
    LinearizableReads reads = new LinearizableReads(hint -> new ProposalException(ProposalException.Kind.NO_LEADER, "x"), 10);
    CompletableFuture<Message> older = new CompletableFuture<>();
    CompletableFuture<Message> lease = new CompletableFuture<>();
    CompletableFuture<Message> sameIndex = new CompletableFuture<>();
    reads.start(leader, GET, Long.MAX_VALUE, older); // read id 1: waits for its heartbeat round
    reads.startLease(leader, GET, Long.MAX_VALUE, lease); // read id 2
    reads.start(leader, GET, Long.MAX_VALUE, sameIndex); // read id 3

    // The lease read is confirmed at once at the commit index, 5, which is not applied yet; the older
    // read's round then confirms it at 3, and a third read at 5 too.
    reads.answered(new ReadState.Confirmed(2, 5), state);
    reads.answered(new ReadState.Confirmed(1, 3), state);
    reads.answered(new ReadState.Confirmed(3, 5), state);
    assertThat(older).as("index 3 is applied").isCompleted();
    assertThat(lease).isNotDone();
    assertThat(sameIndex).isNotDone();

    state.skip(4);
    reads.serve(state);
    assertThat(lease).isNotDone();
    state.skip(5);
    reads.serve(state);
    assertThat(lease).isCompleted();
    assertThat(sameIndex).isCompleted();
  }

  @Test
  void readsBeyondMaxPendingAreShedBeforeTheCoreSeesThemUntilOneIsAnswered() {
    RaftCore leader = singleVoterLeader();
    KvStateMachine state = new KvStateMachine(KvLimits.DEFAULT);
    LinearizableReads reads = new LinearizableReads(hint -> new ProposalException(ProposalException.Kind.NO_LEADER, "x"), 2);
    CompletableFuture<Message> first = new CompletableFuture<>();
    CompletableFuture<Message> second = new CompletableFuture<>();
    CompletableFuture<Message> third = new CompletableFuture<>();
    reads.start(leader, GET, Long.MAX_VALUE, first);
    reads.startLease(leader, GET, Long.MAX_VALUE, second);
    reads.start(leader, GET, Long.MAX_VALUE, third);

    assertThat(third).isCompletedExceptionally();
    ProposalException shed = (ProposalException) third.handle((v, e) -> e).join();
    assertThat(shed.kind()).isEqualTo(ProposalException.Kind.OVERLOADED);
    assertThat(shed.getMessage()).contains("2 reads are waiting on this node");
    assertThat(first).isNotDone();

    reads.answered(new ReadState.Confirmed(1, 0), state); // served at once: index 0 is applied
    assertThat(first).isCompleted();
    CompletableFuture<Message> fourth = new CompletableFuture<>();
    reads.start(leader, GET, Long.MAX_VALUE, fourth);
    assertThat(fourth).isNotDone();
  }

  /** A leader whose core takes reads (the runtime tracks them by id; the test confirms them itself). */
  private static RaftCore singleVoterLeader() {
    RaftCore core = RaftCore.start(RaftConfig.defaults(1, Set.of(1L)).withLeaseReads(true), HardState.INITIAL,
        List.of(), new Random(1));
    for (int i = 0; i < 100 && core.role() != Role.LEADER; i++) core.tick();
    assertThat(core.role()).isEqualTo(Role.LEADER);
    return core;
  }
}
