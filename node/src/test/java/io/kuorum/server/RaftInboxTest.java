package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.HardState;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import io.kuorum.raft.Message.RequestVote;
import io.kuorum.raft.Message.VoteResponse;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.Ready;
import io.kuorum.raft.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The Raft thread's inbox brings the core's ticks up to the clock before each input (dissertation
 * §6.4.1): a follower that paused with a heartbeat waiting answers it only after the overdue ticks,
 * so its answer promises the leader a minimum election timeout it then keeps (§4.2.3).
 */
class RaftInboxTest {

  private static final long TICK = 100;

  private final AtomicLong now = new AtomicLong();
  private final RaftCore follower = RaftCore.start(RaftConfig.defaults(2, Set.of(1L, 2L, 3L)).withLeaseReads(true),
      HardState.INITIAL, List.of(), new Random(2));
  private final TickClock clock = new TickClock(TICK, 4 * 10, 0);
  private final List<Long> tickedAt = new ArrayList<>();
  private final RaftInbox inbox = new RaftInbox(() -> {
    for (long due = clock.due(now.get()); due > 0; due--) {
      follower.tick();
      tickedAt.add(now.get());
    }
  });

  @Test
  void aHeartbeatThatWaitedThroughAPauseIsSteppedAfterTheOverdueTicks() throws InterruptedException {
    inbox.add(() -> follower.step(new Heartbeat(1, 2, 1, 0, 0, 3)));
    assertThat(inbox.runBatch(0, TimeUnit.MILLISECONDS, 10)).isEqualTo(1);
    assertThat(follower.leader()).hasValue(1);
    sent();

    // Paused for 100 ticks; node 1's next heartbeat and then node 3's vote request waited in the inbox,
    // and no tick task ran (the ticker was starved too).
    now.addAndGet(100 * TICK);
    List<String> order = new ArrayList<>();
    inbox.add(() -> {
      order.add("heartbeat after " + tickedAt.size() + " ticks");
      follower.step(new Heartbeat(1, 2, 1, 0, 0, 50));
    });
    inbox.add(() -> follower.step(new RequestVote(3, 2, 2, 0, 0, false, false)));
    assertThat(inbox.runBatch(0, TimeUnit.MILLISECONDS, 10)).isEqualTo(2);

    assertThat(order).containsExactly("heartbeat after 40 ticks");
    List<Message> sent = sent();
    assertThat(sent).contains(new HeartbeatResponse(2, 1, 1, 0, 50));
    assertThat(sent).as("the promise behind that answer holds: no vote for node 3")
        .noneMatch(m -> m instanceof VoteResponse v && v.granted());
    assertThat(follower.term()).isEqualTo(1);
    assertThat(follower.role()).isEqualTo(Role.FOLLOWER);
    assertThat(follower.leader()).hasValue(1);
  }

  @Test
  void runsAtMostMaxInputsPerBatchAndNothingWhenNoneComes() throws InterruptedException {
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      inbox.add(() -> ran.add(n));
    }
    assertThat(inbox.runBatch(0, TimeUnit.MILLISECONDS, 3)).isEqualTo(3);
    assertThat(inbox.runBatch(0, TimeUnit.MILLISECONDS, 3)).isEqualTo(2);
    assertThat(inbox.runBatch(0, TimeUnit.MILLISECONDS, 3)).isZero();
    assertThat(ran).containsExactly(0, 1, 2, 3, 4);
  }

  /** Everything the follower's Ready batches send, each batch confirmed as if carried out. */
  private List<Message> sent() {
    List<Message> sent = new ArrayList<>();
    for (Optional<Ready> r = follower.ready(); r.isPresent(); r = follower.ready()) {
      sent.addAll(r.get().sendNow());
      sent.addAll(r.get().sendAfterPersist());
      follower.advance(r.get());
    }
    return sent;
  }
}
