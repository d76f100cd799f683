package io.kuorum.raft.sim;

import java.util.PriorityQueue;

/** Simulated time: events run in time order, ties in the order they were scheduled, so runs replay exactly. */
final class EventQueue {

  private record Scheduled(long time, long seq, Runnable action) implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
  private long now;
  private long seq;

  long now() {
    return now;
  }

  void at(long time, Runnable action) {
    queue.add(new Scheduled(Math.max(time, now), seq++, action));
  }

  void after(long delay, Runnable action) {
    at(now + delay, action);
  }

  /** Runs events up to and including {@code until}; returns false if the queue ran dry first. */
  boolean runUntil(long until, Runnable afterEach) {
    while (!queue.isEmpty() && queue.peek().time() <= until) {
      Scheduled s = queue.poll();
      now = s.time();
      s.action().run();
      afterEach.run();
    }
    now = Math.max(now, until);
    return !queue.isEmpty();
  }
}
