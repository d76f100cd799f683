package io.kuorum.raft.sim;

import io.kuorum.raft.Message;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The simulated network between nodes: latency with jitter (which reorders), loss, duplication, and
 * a set of blocked directed links that models every partition shape (symmetric, one-way, bridge).
 */
final class SimNetwork {

  private final EventQueue events;
  private final Random random;
  private final Consumer<Message> deliver;
  private final Set<Long> blocked = new HashSet<>();
  private long minDelayMs = 1;
  private long maxDelayMs = 4;
  private double lossRate;
  private double duplicateRate;
  long sent;
  long dropped;
  long duplicated;

  SimNetwork(EventQueue events, Random random, Consumer<Message> deliver) {
    this.events = events;
    this.random = random;
    this.deliver = deliver;
  }

  void send(Message m) {
    sent++;
    if (isBlocked(m.from(), m.to()) || random.nextDouble() < lossRate) {
      dropped++;
      return;
    }
    scheduleDelivery(m);
    if (random.nextDouble() < duplicateRate) {
      duplicated++;
      scheduleDelivery(m);
    }
  }

  private void scheduleDelivery(Message m) {
    long delay = minDelayMs + (long) (random.nextDouble() * (maxDelayMs - minDelayMs + 1));
    // The link is checked again on arrival: a partition cuts off messages already on the wire.
    events.after(delay, () -> {
      if (!isBlocked(m.from(), m.to())) deliver.accept(m);
      else dropped++;
    });
  }

  boolean isBlocked(long from, long to) {
    return blocked.contains(link(from, to));
  }

  void block(long from, long to) {
    blocked.add(link(from, to));
  }

  void heal() {
    blocked.clear();
  }

  void setConditions(long minDelay, long maxDelay, double loss, double duplicate) {
    this.minDelayMs = minDelay;
    this.maxDelayMs = maxDelay;
    this.lossRate = loss;
    this.duplicateRate = duplicate;
  }

  void normalConditions() {
    setConditions(1, 4, 0, 0);
  }

  private static long link(long from, long to) {
    return from * 1_000_003L + to;
  }
}
