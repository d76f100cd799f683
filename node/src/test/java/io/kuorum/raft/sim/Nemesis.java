package io.kuorum.raft.sim;

import io.kuorum.raft.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Injects the faults the Raft paper names: partitions of every shape (a node isolated, a minority cut
 * from a majority, one-way links, a bridge node that sees both sides), message loss, duplication and
 * long delays that reorder, and crashes of any node or of the leader, with restarts later.
 */
final class Nemesis {

  private final Simulation sim;
  private final Random random;
  private final SimConfig config;
  int faults;
  int crashes;
  int pauses;
  /** Whether a crash fault pauses instead: its own source, so runs without pauses replay as before. */
  private final Random pauseChoice;

  Nemesis(Simulation sim, Random random, Random pauseChoice, SimConfig config) {
    this.sim = sim;
    this.random = random;
    this.pauseChoice = pauseChoice;
    this.config = config;
  }

  /** Schedules faults until {@code until}. */
  void unleash(long until) {
    long gap = config.faultEveryMinMs() + (long) (random.nextDouble() * (config.faultEveryMaxMs() - config.faultEveryMinMs()));
    sim.events().after(gap, () -> {
      if (sim.events().now() >= until) return;
      strike();
      unleash(until);
    });
  }

  private void strike() {
    faults++;
    int roll = random.nextInt(10 + config.crashWeight());
    switch (roll) {
      case 0 -> isolateOne();
      case 1 -> splitMajorityMinority();
      case 2 -> oneWayLinks();
      case 3 -> bridge();
      case 4, 5 -> sim.network().heal();
      case 6 -> sim.network().setConditions(1, 4, 0.05 + random.nextDouble() * 0.25, 0);
      case 7 -> sim.network().setConditions(1, 4, 0, 0.05 + random.nextDouble() * 0.2);
      case 8 -> sim.network().setConditions(1, 20 + random.nextInt(120), 0.02, 0.02); // slow: heavy reordering
      case 9 -> sim.network().normalConditions();
      default -> crash(random.nextBoolean());
    }
  }

  private List<Long> shuffledIds() {
    List<Long> ids = new ArrayList<>(sim.nodeIds());
    Collections.shuffle(ids, random);
    return ids;
  }

  private void cut(List<Long> a, List<Long> b) {
    for (long x : a) {
      for (long y : b) {
        sim.network().block(x, y);
        sim.network().block(y, x);
      }
    }
  }

  private void isolateOne() {
    List<Long> ids = shuffledIds();
    cut(ids.subList(0, 1), ids.subList(1, ids.size()));
  }

  private void splitMajorityMinority() {
    List<Long> ids = shuffledIds();
    int minority = ids.size() / 2;
    cut(ids.subList(0, minority), ids.subList(minority, ids.size()));
  }

  private void oneWayLinks() {
    List<Long> ids = shuffledIds();
    int links = 1 + random.nextInt(ids.size());
    for (int i = 0; i < links; i++) {
      long from = ids.get(random.nextInt(ids.size()));
      long to = ids.get(random.nextInt(ids.size()));
      if (from != to) sim.network().block(from, to);
    }
  }

  /** Two sides that cannot talk to each other, and one node that talks to both. */
  private void bridge() {
    List<Long> ids = shuffledIds();
    int left = (ids.size() - 1) / 2;
    cut(ids.subList(1, 1 + left), ids.subList(1 + left, ids.size()));
  }

  private void crash(boolean preferLeader) {
    List<SimNode> up = sim.nodes().stream().filter(SimNode::isUp).toList();
    if (up.isEmpty()) return;
    SimNode victim = up.get(random.nextInt(up.size()));
    if (preferLeader) {
      for (SimNode n : up) if (n.core().role() == Role.LEADER) victim = n;
    }
    SimNode target = victim;
    long downMs = 50 + random.nextInt(2_000);
    if (config.pausePercent() > 0 && pauseChoice.nextInt(100) < config.pausePercent()) {
      // SIGSTOP for up to about six election timeouts, then SIGCONT: a paused leader wakes up deposed.
      pauses++;
      target.pause();
      sim.events().after(downMs / 3, target::resume);
      return;
    }
    crashes++;
    target.crash();
    sim.events().after(downMs, () -> {
      if (target.isCrashed()) sim.restart(target);
    });
  }
}
