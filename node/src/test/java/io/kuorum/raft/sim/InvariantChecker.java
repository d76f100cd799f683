package io.kuorum.raft.sim;

import io.kuorum.raft.Entry;
import io.kuorum.raft.Role;
import io.kuorum.raft.RoleChange;
import io.kuorum.raft.Ready;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The safety properties of Figure 3 of the Raft paper, checked as the simulation runs. Every change of
 * a node's log reaches the runtime through a {@link Ready}, so checking each Ready and each applied
 * entry sees every state the cluster passes through.
 */
final class InvariantChecker {

  private record Registered(Entry entry, long prevTerm) {}

  private record Committed(Entry entry, long termUpperBound) {}

  private final List<String> violations = new ArrayList<>();
  private final Map<Long, Long> leaderOfTerm = new HashMap<>();
  /** Each node's log as the runtime has been told it (the core's log after every Ready). */
  private final Map<Long, List<Entry>> logs = new HashMap<>();
  /** Every (index, term) ever seen in any log, with its payload and predecessor's term. */
  private final Map<Long, Map<Long, Registered>> seen = new HashMap<>();
  /** Committed entries with an upper bound on the term in which they were committed. */
  private final TreeMap<Long, Committed> committed = new TreeMap<>();
  private final Map<Long, Long> lastApplied = new HashMap<>();
  /** Index of the latest configuration entry in each node's log (0: none). */
  private final Map<Long, Long> lastConfigIndex = new HashMap<>();
  private final LongSupplier now;
  int leadersElected;

  InvariantChecker(LongSupplier now) {
    this.now = now;
  }

  List<String> violations() {
    return violations;
  }

  void violation(String what) {
    if (violations.size() < 20) violations.add("t=" + now.getAsLong() + "ms " + what);
  }

  /** A node (re)started from its disk: its log is what the disk holds, and it applies from the start. */
  void started(long node, List<Entry> durableLog) {
    logs.put(node, new ArrayList<>(durableLog));
    lastApplied.put(node, 0L);
    lastConfigIndex.put(node, lastConfigBefore(durableLog, durableLog.size() + 1));
  }

  void readyTaken(SimNode node, Ready r) {
    List<Entry> log = logs.get(node.id);
    boolean ledThroughout = node.core().role() == Role.LEADER && r.roleChanges().isEmpty();
    if (!r.entries().isEmpty()) {
      long first = r.entries().get(0).index();
      // Leader Append-Only: a leader never overwrites or deletes entries in its log.
      if (ledThroughout && first <= log.size()) {
        violation("leader append-only: leader " + node.id + " of term " + node.core().term() + " rewrote its log from " + first);
      }
      log.subList((int) Math.min(first - 1, log.size()), log.size()).clear();
      if (first != log.size() + 1) violation("node " + node.id + " wrote entries from " + first + " after a log ending at " + log.size());
      for (Entry e : r.entries()) {
        checkLogMatching(node.id, e, log.isEmpty() ? 0 : log.get(log.size() - 1).term());
        log.add(e);
      }
    }
    for (RoleChange rc : r.roleChanges()) {
      if (rc.role() == Role.LEADER) becameLeader(node, rc.term());
      // Learners, removed members and nodes not yet added never campaign.
      boolean campaigns = rc.role() == Role.CANDIDATE || rc.role() == Role.PRE_CANDIDATE;
      if (campaigns && !node.core().configuration().isVoter(node.id)) {
        violation("node " + node.id + " campaigned in term " + rc.term() + " but is not a voter of " + node.core().configuration());
      }
    }
    if (!r.entries().isEmpty() && ledThroughout) checkOneChangeAtATime(node, r.entries());
    checkConfigurationFollowsTheLog(node, log, r.entries());
    for (Entry e : r.committed()) {
      Committed c = committed.get(e.index());
      if (c == null) committed.put(e.index(), new Committed(e, node.core().term()));
      else if (!c.entry().equals(e)) {
        violation("state machine safety: index " + e.index() + " committed as " + c.entry() + " and as " + e + " on node " + node.id);
      }
    }
  }

  /** §6: a node uses the latest configuration in its log, and falls back when that entry is overwritten. */
  private void checkConfigurationFollowsTheLog(SimNode node, List<Entry> log, List<Entry> written) {
    long latest = lastConfigIndex.getOrDefault(node.id, 0L);
    if (!written.isEmpty()) {
      long first = written.get(0).index();
      if (latest >= first) latest = lastConfigBefore(log, first);
      for (Entry e : written) if (e.type() == Entry.Type.CONFIG) latest = e.index();
      lastConfigIndex.put(node.id, latest);
    }
    if (node.core().configurationIndex() != latest) {
      violation("node " + node.id + " uses the configuration of index " + node.core().configurationIndex()
          + " but the latest configuration entry in its log is at " + latest);
    }
  }

  private static long lastConfigBefore(List<Entry> log, long index) {
    for (long i = Math.min(index - 1, log.size()); i >= 1; i--) {
      if (log.get((int) (i - 1)).type() == Entry.Type.CONFIG) return i;
    }
    return 0;
  }

  /** A leader appends a configuration entry only once the previous one is committed (§6, one change at a time). */
  private void checkOneChangeAtATime(SimNode node, List<Entry> appended) {
    List<Entry> log = logs.get(node.id);
    for (Entry e : appended) {
      if (e.type() != Entry.Type.CONFIG) continue;
      for (long i = e.index() - 1; i >= 1; i--) {
        if (log.get((int) (i - 1)).type() == Entry.Type.CONFIG) {
          if (i > node.core().commitIndex()) {
            violation("leader " + node.id + " appended a configuration at " + e.index() + " while the one at " + i
                + " was not committed (commit index " + node.core().commitIndex() + ")");
          }
          break;
        }
      }
    }
  }

  /**
   * Log Matching: entries with the same index and term hold the same command and follow an entry of
   * the same term; by induction the logs are then identical up to that index.
   */
  private void checkLogMatching(long node, Entry e, long prevTerm) {
    Registered r = seen.computeIfAbsent(e.index(), i -> new HashMap<>()).putIfAbsent(e.term(), new Registered(e, prevTerm));
    if (r != null && (!r.entry().equals(e) || r.prevTerm() != prevTerm)) {
      violation("log matching: node " + node + " has " + e + " after term " + prevTerm + ", elsewhere " + r.entry()
          + " after term " + r.prevTerm());
    }
  }

  private void becameLeader(SimNode node, long term) {
    leadersElected++;
    // Election Safety: at most one leader per term.
    Long previous = leaderOfTerm.putIfAbsent(term, node.id);
    if (previous != null && previous != node.id) {
      violation("election safety: nodes " + previous + " and " + node.id + " both lead term " + term);
    }
    // Leader Completeness: a leader holds every entry committed in earlier terms.
    List<Entry> log = node.core().log();
    for (Committed c : committed.values()) {
      if (c.termUpperBound() >= term) continue;
      long i = c.entry().index();
      if (i > log.size() || log.get((int) (i - 1)).term() != c.entry().term()) {
        violation("leader completeness: leader " + node.id + " of term " + term + " lacks committed " + c.entry());
        return;
      }
    }
  }

  /** State Machine Safety: no two nodes apply different entries at one index; each applies in order. */
  void applied(SimNode node, Entry e) {
    long expected = lastApplied.merge(node.id, 1L, Long::sum);
    if (e.index() != expected) violation("node " + node.id + " applied " + e + " but expected index " + expected);
    Committed c = committed.get(e.index());
    if (c != null && !c.entry().equals(e)) {
      violation("state machine safety: node " + node.id + " applied " + e + " where " + c.entry() + " was committed");
    }
  }
}
