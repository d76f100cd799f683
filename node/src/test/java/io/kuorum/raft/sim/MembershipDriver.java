package io.kuorum.raft.sim;

import io.kuorum.raft.Configuration;
import io.kuorum.raft.MemberProgress;
import io.kuorum.raft.ProposeResult;
import io.kuorum.raft.RaftCore;
import io.kuorum.raft.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Changes the cluster's membership the way an operator would, through whichever node leads: adds
 * learners, promotes caught-up ones, shrinks and replaces voters (the leader among them at times),
 * transfers leadership, and now and then asks for a change that must be refused. Steps toward a
 * target voter count: drawn at random, or scripted (1 → 3 → 5 → 3 → 1). Ids once added are never
 * reused.
 */
final class MembershipDriver {

  private static final byte[] NO_CONTEXT = new byte[0];

  private final Simulation sim;
  private final Random random;
  private final SimConfig config;
  private final Deque<Integer> script = new ArrayDeque<>();
  private final Set<Long> used = new TreeSet<>();
  private int target;
  /** Voter counts reached, in order, starting with the initial one. */
  final List<Integer> reached = new ArrayList<>();
  int changesAccepted;
  int changesRefused;
  int transfers;
  /** Accepted voter changes that removed the leader that proposed them. */
  int leaderRemovals;

  MembershipDriver(Simulation sim, Random random, SimConfig config) {
    this.sim = sim;
    this.random = random;
    this.config = config;
    for (long id = 1; id <= config.nodes(); id++) used.add(id);
    target = config.nodes();
    reached.add(config.nodes());
    if (config.membership() == SimConfig.Membership.GROW_AND_SHRINK) script.addAll(List.of(3, 5, 3, 1));
  }

  /** Drives changes until {@code untilMs}, leaving the rest of the run to settle. */
  void start(long untilMs) {
    if (config.membership() == SimConfig.Membership.FIXED) return;
    sim.events().after(100 + random.nextInt(200), () -> step(untilMs));
  }

  private void step(long untilMs) {
    if (sim.events().now() >= untilMs) return;
    leader().ifPresent(this::act);
    sim.events().after(100 + random.nextInt(400), () -> step(untilMs));
  }

  private Optional<SimNode> leader() {
    return sim.nodes().stream().filter(n -> n.isUp() && n.core().role() == Role.LEADER)
        .max((a, b) -> Long.compare(a.core().term(), b.core().term()));
  }

  private void act(SimNode leader) {
    RaftCore core = leader.core();
    Configuration c = core.configuration();
    boolean settled = !c.isJoint() && core.configurationIndex() <= core.commitIndex();
    if (settled && c.voters().size() == target && reached.get(reached.size() - 1) != target) reached.add(target);
    int roll = random.nextInt(100);
    if (roll < 8) {
      transfers++;
      List<Long> voters = new ArrayList<>(c.voters());
      long to = random.nextBoolean() ? 0 : voters.get(random.nextInt(voters.size()));
      leader.act(r -> r.transferLeadership(to));
      return;
    }
    if (roll < 16) {
      refusedChange(leader, c);
      return;
    }
    if (settled && c.voters().size() == target) nextTarget(c);
    int have = c.voters().size();
    List<Long> caughtUp = caughtUpLearners(core, c);
    if (have < target) {
      if (caughtUp.isEmpty() || c.learners().size() < target - have && random.nextBoolean()) {
        addLearner(leader);
      } else {
        Set<Long> next = new TreeSet<>(c.voters());
        next.addAll(sample(caughtUp, target - have));
        changeVoters(leader, next);
      }
    } else if (have > target) {
      Set<Long> next = new TreeSet<>(sample(new ArrayList<>(c.voters()), target));
      changeVoters(leader, next);
    } else if (config.membership() == SimConfig.Membership.RANDOM) {
      if (!caughtUp.isEmpty() && random.nextBoolean()) {
        // Replace some voters (possibly the leader, possibly a majority) with caught-up learners.
        int swap = 1 + random.nextInt(Math.min(caughtUp.size(), have));
        Set<Long> next = new TreeSet<>(sample(new ArrayList<>(c.voters()), have - swap));
        next.addAll(sample(caughtUp, swap));
        changeVoters(leader, next);
      } else if (!c.learners().isEmpty() && random.nextInt(4) == 0) {
        List<Long> learners = new ArrayList<>(c.learners());
        long gone = learners.get(random.nextInt(learners.size()));
        record(leader.act(r -> r.removeLearner(gone, NO_CONTEXT)));
      } else {
        addLearner(leader);
      }
    }
  }

  private void nextTarget(Configuration c) {
    if (config.membership() == SimConfig.Membership.GROW_AND_SHRINK) {
      if (!script.isEmpty()) target = script.pollFirst();
    } else {
      target = 1 + random.nextInt(Math.min(5, config.nodes() + config.spareNodes()));
    }
  }

  private List<Long> caughtUpLearners(RaftCore core, Configuration c) {
    Map<Long, MemberProgress> progress = core.progress();
    return c.learners().stream().filter(l -> progress.containsKey(l) && progress.get(l).caughtUp()).toList();
  }

  private void addLearner(SimNode leader) {
    for (SimNode n : sim.nodes()) {
      if (!used.contains(n.id)) {
        ProposeResult r = leader.act(core -> core.addLearner(n.id, NO_CONTEXT));
        if (r instanceof ProposeResult.Accepted) used.add(n.id);
        record(r);
        return;
      }
    }
  }

  /** A change the rules forbid: it must be refused and must leave the log alone. */
  private void refusedChange(SimNode leader, Configuration c) {
    long before = leader.core().lastIndex();
    long stranger = sim.nodes().stream().mapToLong(n -> n.id).filter(id -> !c.members().contains(id)).findFirst().orElse(99);
    ProposeResult r = switch (random.nextInt(3)) {
      case 0 -> leader.act(core -> core.changeVoters(Set.of(stranger), NO_CONTEXT)); // not a learner
      case 1 -> leader.act(core -> core.changeVoters(Set.of(), NO_CONTEXT)); // no voters at all
      default -> leader.act(core -> core.addLearner(c.voters().first(), NO_CONTEXT)); // already a voter
    };
    if (!(r instanceof ProposeResult.Refused) || leader.core().lastIndex() != before) {
      sim.violation("a forbidden membership change on " + c + " was not refused: " + r);
    }
  }

  private void changeVoters(SimNode leader, Set<Long> next) {
    ProposeResult r = leader.act(core -> core.changeVoters(next, NO_CONTEXT));
    if (r instanceof ProposeResult.Accepted && !next.contains(leader.id)) leaderRemovals++;
    record(r);
  }

  private void record(ProposeResult r) {
    if (r instanceof ProposeResult.Accepted) changesAccepted++;
    else changesRefused++;
  }

  private <T> List<T> sample(List<T> from, int n) {
    List<T> copy = new ArrayList<>(from);
    Collections.shuffle(copy, random);
    return copy.subList(0, Math.max(0, Math.min(n, copy.size())));
  }
}
