package io.kuorum.cli;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded queue from producer threads to one consumer that the consumer can stop. Bounded, so a slow
 * consumer slows its producers (for a watch: the listener's gRPC thread, and by flow control the
 * member) instead of filling memory; stoppable, so that a producer waiting for room when the consumer
 * is done gives up instead of blocking its thread forever.
 */
final class StoppableQueue<T> {

  /** How often a producer waiting for room looks whether the consumer stopped. */
  private static final Duration RECHECK = Duration.ofMillis(50);

  private final BlockingQueue<T> items;
  private volatile boolean stopped;

  StoppableQueue(int capacity) {
    this.items = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Waits for room and queues {@code item}; false, dropping it, if the queue was stopped first (or the
   * thread was interrupted, whose flag is then set again).
   */
  boolean put(T item) {
    try {
      while (!stopped) {
        // stop() clears the queue, which makes room: an item that got in then is dropped all the same.
        if (items.offer(item, RECHECK.toNanos(), TimeUnit.NANOSECONDS)) return !stopped;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Waits for the oldest item. */
  T take() throws InterruptedException {
    return items.take();
  }

  /** The consumer is done: producers stop waiting, later puts return at once, and queued items are dropped. */
  void stop() {
    stopped = true;
    items.clear();
  }
}
