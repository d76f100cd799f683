package io.kuorum.raft.sim;

import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Snapshot;
import io.kuorum.raft.Role;
import io.kuorum.raft.RoleChange;
import io.kuorum.raft.Ready;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  /**
   * Each node's log as the runtime has been told it (the core's log after every Ready), by position
   * index - 1; entries that came to the node inside a snapshot are null (unknown here).
   */
  private final Map<Long, List<Entry>> logs = new HashMap<>();
  /** Each node's configuration from before its log's configuration entries: initial, or its snapshot's. */
  private final Map<Long, Configuration> baseConfiguration = new HashMap<>();
  /** The state machine's hash after applying each index, as the first node to get there saw it. */
  private final Map<Long, Integer> stateHashes = new HashMap<>();
  /** Every (index, term) ever seen in any log, with its payload and predecessor's term. */
  private final Map<Long, Map<Long, Registered>> seen = new HashMap<>();
  /** Committed entries with an upper bound on the term in which they were committed. */
  private final TreeMap<Long, Committed> committed = new TreeMap<>();
  private final Map<Long, Long> lastApplied = new HashMap<>();
  /** Index of the latest configuration entry in each node's log (0: none). */
  private final Map<Long, Long> lastConfigIndex = new HashMap<>();
  private final LongSupplier now;
  int leadersElected;
  int snapshotsTaken;
  int snapshotsInstalled;

  InvariantChecker(LongSupplier now) {
    this.now = now;
  }

  List<String> violations() {
    return violations;
  }

  void violation(String what) {
    if (violations.size() < 20) violations.add("t=" + now.getAsLong() + "ms " + what);
  }

  /**
   * A node (re)started from its disk: its log is what the disk holds after its snapshot, and it applies
   * from the snapshot on.
   */
  void started(SimNode node, Optional<Snapshot> snapshot, List<Entry> durableLog) {
    long base = snapshot.map(Snapshot::index).orElse(0L);
    List<Entry> log = new ArrayList<>();
    for (long i = 1; i <= base; i++) log.add(null);
    log.addAll(durableLog);
    logs.put(node.id, log);
    lastApplied.put(node.id, base);
    lastConfigIndex.put(node.id, lastConfigBefore(log, log.size() + 1));
    baseConfiguration.put(node.id, snapshot.map(s -> s.configuration().configuration()).orElse(node.initialConfiguration()));
  }

  /** State machine safety for snapshots: a snapshot at index i holds exactly the state after applying 1..i. */
  void snapshot(SimNode node, Snapshot s, int stateHash, boolean installed) {
    Integer expected = stateHashes.putIfAbsent(s.index(), stateHash);
    if (expected != null && expected != stateHash) {
      violation("state machine safety: node " + node.id + (installed ? " installed" : " took") + " a snapshot at " + s.index()
          + " whose state differs from the state other nodes reached by applying up to " + s.index());
    }
    Committed c = committed.get(s.index());
    if (c != null && c.entry().term() != s.term()) {
      violation("snapshot at " + s.index() + " on node " + node.id + " says term " + s.term() + " but " + c.entry() + " was committed");
    }
    if (installed) {
      snapshotsInstalled++;
      lastApplied.put(node.id, s.index());
    } else {
      snapshotsTaken++;
      baseConfiguration.put(node.id, s.configuration().configuration());
    }
  }

  void readyTaken(SimNode node, Ready r) {
    List<Entry> log = logs.get(node.id);
    boolean ledThroughout = node.core().role() == Role.LEADER && r.roleChanges().isEmpty();
    r.snapshot().ifPresent(s -> installed(node, log, s));
    if (!r.entries().isEmpty()) {
      long first = r.entries().get(0).index();
      // Leader Append-Only: a leader never overwrites or deletes entries in its log.
      if (ledThroughout && first <= log.size()) {
        violation("leader append-only: leader " + node.id + " of term " + node.core().term() + " rewrote its log from " + first);
      }
      log.subList((int) Math.min(first - 1, log.size()), log.size()).clear();
      if (first != log.size() + 1) violation("node " + node.id + " wrote entries from " + first + " after a log ending at " + log.size());
      for (Entry e : r.entries()) {
        Entry prev = log.isEmpty() ? null : log.get(log.size() - 1);
        checkLogMatching(node.id, e, log.isEmpty() ? 0 : prev == null ? UNKNOWN : prev.term());
        log.add(e);
      }
    }
    for (RoleChange rc : r.roleChanges()) {
      if (rc.role() == Role.LEADER) becameLeader(node, rc.term());
      // Learners, removed members and nodes not yet added never campaign; a voter that the latest
      // configuration removes may, until that configuration commits (dissertation §4.2.2).
      boolean campaigns = rc.role() == Role.CANDIDATE || rc.role() == Role.PRE_CANDIDATE;
      boolean removalPending = node.core().configurationIndex() > node.core().commitIndex();
      if (campaigns && !node.core().configuration().isVoter(node.id) && !removalPending) {
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

  /** Marker for a predecessor term this checker does not know (the entry came inside a snapshot). */
  private static final long UNKNOWN = -1;

  /**
   * A leader's snapshot was installed: the log continues after it, keeping the entries that agree with
   * it (Figure 13 rules 6, 7), and the snapshot's configuration is the base.
   */
  private void installed(SimNode node, List<Entry> log, Snapshot s) {
    Entry at = s.index() <= log.size() ? log.get((int) (s.index() - 1)) : null;
    boolean keep = at != null && at.term() == s.term();
    List<Entry> after = keep ? new ArrayList<>(log.subList((int) s.index(), log.size())) : List.of();
    log.clear();
    for (long i = 1; i <= s.index(); i++) log.add(null);
    log.addAll(after);
    baseConfiguration.put(node.id, s.configuration().configuration());
    lastConfigIndex.put(node.id, lastConfigBefore(log, log.size() + 1));
  }

  /**
   * §6: a node uses the latest configuration in its log, falls back when that entry is overwritten, and
   * after installing a snapshot takes the snapshot's (openraft#1808 kept the old one).
   */
  private void checkConfigurationFollowsTheLog(SimNode node, List<Entry> log, List<Entry> written) {
    long latest = lastConfigIndex.getOrDefault(node.id, 0L);
    if (!written.isEmpty()) {
      long first = written.get(0).index();
      if (latest >= first) latest = lastConfigBefore(log, first);
      for (Entry e : written) if (e.type() == Entry.Type.CONFIG) latest = e.index();
      lastConfigIndex.put(node.id, latest);
    }
    Configuration expected = latest == 0 ? baseConfiguration.get(node.id)
        : ConfigurationEntry.decode(log.get((int) (latest - 1)).data()).configuration();
    if (!node.core().configuration().equals(expected)) {
      violation("node " + node.id + " uses the configuration " + node.core().configuration() + " (index "
          + node.core().configurationIndex() + ") but its log and snapshot say " + expected
          + (latest == 0 ? " (from before its log)" : " (index " + latest + ")"));
    }
  }

  /** The latest configuration entry before {@code index} in the known part of the log (0: none known). */
  private static long lastConfigBefore(List<Entry> log, long index) {
    for (long i = Math.min(index - 1, log.size()); i >= 1; i--) {
      Entry e = log.get((int) (i - 1));
      if (e == null) return 0;
      if (e.type() == Entry.Type.CONFIG) return i;
    }
    return 0;
  }

  /** A leader appends a configuration entry only once the previous one is committed (§6, one change at a time). */
  private void checkOneChangeAtATime(SimNode node, List<Entry> appended) {
    List<Entry> log = logs.get(node.id);
    for (Entry e : appended) {
      if (e.type() != Entry.Type.CONFIG) continue;
      for (long i = e.index() - 1; i >= 1 && log.get((int) (i - 1)) != null; i--) {
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
    if (r != null && r.prevTerm() == UNKNOWN && prevTerm != UNKNOWN) {
      seen.get(e.index()).put(e.term(), new Registered(e, prevTerm));
    }
    boolean prevDiffers = r != null && r.prevTerm() != UNKNOWN && prevTerm != UNKNOWN && r.prevTerm() != prevTerm;
    if (r != null && (!r.entry().equals(e) || prevDiffers)) {
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
    // Leader Completeness: a leader holds every entry committed in earlier terms (those up to its
    // snapshot inside the snapshot, whose state is checked against the applied entries).
    List<Entry> log = node.core().log();
    long first = node.core().firstIndex();
    for (Committed c : committed.tailMap(first, true).values()) {
      if (c.termUpperBound() >= term) continue;
      long i = c.entry().index();
      if (i - first >= log.size() || log.get((int) (i - first)).term() != c.entry().term()) {
        violation("leader completeness: leader " + node.id + " of term " + term + " lacks committed " + c.entry());
        return;
      }
    }
  }

  /** State Machine Safety: no two nodes apply different entries at one index; each applies in order. */
  void applied(SimNode node, Entry e, int stateHash) {
    long expected = lastApplied.merge(node.id, 1L, Long::sum);
    if (e.index() != expected) violation("node " + node.id + " applied " + e + " but expected index " + expected);
    Integer hash = stateHashes.putIfAbsent(e.index(), stateHash);
    if (hash != null && hash != stateHash) {
      violation("state machine safety: node " + node.id + " reached a different state at index " + e.index() + " than other nodes");
    }
    Committed c = committed.get(e.index());
    if (c != null && !c.entry().equals(e)) {
      violation("state machine safety: node " + node.id + " applied " + e + " where " + c.entry() + " was committed");
    }
  }
}
