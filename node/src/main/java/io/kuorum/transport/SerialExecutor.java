package io.kuorum.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Each peer link confines its
 * stream state to one of these, so gRPC callbacks, timers and drains never race and need no locks.
 * {@link #execute} never runs the task in the caller's thread (the caller may be the Raft core).
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      try {
        pool.execute(this::runAll);
      } catch (RejectedExecutionException e) {
        // The pool is shut down: the transport is closing and nothing more needs to run.
        tasks.clear();
      }
    }
  }

  private void runAll() {
    do {
      Runnable task = tasks.poll();
      if (task == null) return; // only after a rejected pool cleared the queue
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("peer transport task failed", e);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
