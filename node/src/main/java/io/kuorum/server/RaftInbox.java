package io.kuorum.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Raft thread's inputs (peer messages, proposals, reads, storage completions, ticks), run in
 * arrival order. Before each one runs, {@code catchUp} brings the core's ticks up to the monotonic
 * clock ({@link TickClock}), so no input is handled at a tick count that lags the time it is handled
 * at (dissertation §6.4.1). After a pause (GC, SIGSTOP, a starved ticker) a heartbeat can wait in the
 * inbox ahead of the ticks that fell due meanwhile: stepped first, its answer would promise the leader
 * a minimum election timeout (§4.2.3) that the overdue ticks then end at once, and the follower could
 * vote for a new leader while the old one still counts that answer toward its lease.
 */
final class RaftInbox {

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Runnable catchUp;

  /** {@code catchUp} ticks the core for every tick period that passed; it runs on the Raft thread. */
  RaftInbox(Runnable catchUp) {
    this.catchUp = catchUp;
  }

  /** Queues an input; any thread. */
  void add(Runnable task) {
    tasks.add(task);
  }

  /**
   * Waits up to {@code timeout} for an input, then runs it and the ones queued behind it, {@code max}
   * at most, each after {@code catchUp}. Returns how many ran (0: none came in time).
   */
  int runBatch(long timeout, TimeUnit unit, int max) throws InterruptedException {
    Runnable task = tasks.poll(timeout, unit);
    int ran = 0;
    while (task != null) {
      catchUp.run();
      task.run();
      if (++ran >= max) break;
      task = tasks.poll();
    }
    return ran;
  }
}
