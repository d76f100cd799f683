package io.kuorum.jmh;

import io.kuorum.raft.HardState;
import io.kuorum.raft.Message;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.RaftConfig;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.Ready;
import io.kuorum.raft.Role;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Raft core alone: three cores in one thread, messages handed over directly and every Ready made
 * "durable" at once. One operation proposes a batch of 256-byte commands at the leader and steps the
 * group until all of them are committed at the leader: the core's share of a write, per batch size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CoreStepBenchmark {

  @Param({"1", "64"})
  int batch;

  private Map<Long, RaftCore> cores;
  private RaftCore leader;
  private final byte[] command = new byte[256];
  private final ArrayDeque<Message> network = new ArrayDeque<>();
  /** A fresh group each iteration: the cores keep every entry in memory (nothing compacts here). */
  @Setup(Level.Iteration)
  public void elect() {
    Set<Long> voters = Set.of(1L, 2L, 3L);
    cores = Map.of(1L, core(1, voters), 2L, core(2, voters), 3L, core(3, voters));
    while (cores.get(1L).role() != Role.LEADER) {
      cores.get(1L).tick();
      settle();
    }
    leader = cores.get(1L);
  }

  private static RaftCore core(long id, Set<Long> voters) {
    return RaftCore.start(RaftConfig.defaults(id, voters), HardState.INITIAL, Optional.empty(), List.of(), new Random(id));
  }

  @Benchmark
  public long proposeAndCommit() {
    long target = 0;
    for (int i = 0; i < batch; i++) target = ((ProposeResult.Accepted) leader.propose(command)).index();
    while (leader.commitIndex() < target) settle();
    return target;
  }

  /** Carries out every Ready of every core and delivers every message, until nothing moves. */
  private void settle() {
    boolean moved = true;
    while (moved) {
      moved = false;
      for (RaftCore c : cores.values()) {
        for (Optional<Ready> r = c.ready(); r.isPresent(); r = c.ready()) {
          moved = true;
          network.addAll(r.get().sendNow());
          network.addAll(r.get().sendAfterPersist());
          c.advance(r.get());
        }
      }
      while (!network.isEmpty()) {
        moved = true;
        Message m = network.poll();
        cores.get(m.to()).step(m);
      }
    }
  }
}
