package io.kuorum.raft;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Static settings of one node. Times are in ticks of the runtime's clock; the election timeout of
 * each term is drawn at random from [electionTicks, 2 * electionTicks) (§5.2).
 *
 * @param id this node's member id (positive, never reused)
 * @param voters the initial voters, including this node; empty for a node that waits to be added to a
 *     cluster (the log's configuration entries override this as soon as there are any)
 * @param electionTicks base election timeout; also the check-quorum period
 * @param heartbeatTicks leader heartbeat interval; must be well below electionTicks
 * @param preVote campaign only after a pre-vote round says an election could be won (dissertation §9.6)
 * @param checkQuorum a leader steps down when it has not heard from a quorum for an election timeout,
 *     and followers that hear from a leader ignore vote requests for that long (§6.2, §4.2.3)
 * @param maxEntriesPerAppend most entries in one AppendEntries
 * @param maxBytesPerAppend most payload bytes in one AppendEntries (one larger entry still goes alone)
 * @param maxInflightAppends most unacknowledged AppendEntries per follower when replicating
 * @param maxInflightBytes most unacknowledged bytes per follower when replicating
 * @param catchUpEntries a learner at most this many entries behind the leader counts as caught up,
 *     ready to become a voter
 * @param leaseReads this node takes part in lease reads (dissertation §6.4.1): as leader it serves
 *     them (only with checkQuorum), and after a restart it ignores vote requests for an election
 *     timeout, because it forgot which leader it promised that to before it went down
 * @param mutations deliberately broken rules, for tests only; empty in production
 */
public record RaftConfig(
    long id,
    Set<Long> voters,
    int electionTicks,
    int heartbeatTicks,
    boolean preVote,
    boolean checkQuorum,
    int maxEntriesPerAppend,
    long maxBytesPerAppend,
    int maxInflightAppends,
    long maxInflightBytes,
    long catchUpEntries,
    boolean leaseReads,
    Set<Mutation> mutations) {

  public RaftConfig {
    if (id <= 0) throw new IllegalArgumentException("id must be positive, got " + id);
    voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters)); // deterministic iteration order
    if (!voters.isEmpty() && !voters.contains(id)) {
      throw new IllegalArgumentException("voters " + voters + " must include this node " + id);
    }
    if (heartbeatTicks < 1) throw new IllegalArgumentException("heartbeatTicks must be >= 1, got " + heartbeatTicks);
    if (electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("electionTicks (" + electionTicks + ") must exceed heartbeatTicks (" + heartbeatTicks + ")");
    }
    if (maxEntriesPerAppend < 1) throw new IllegalArgumentException("maxEntriesPerAppend must be >= 1");
    if (maxBytesPerAppend < 1) throw new IllegalArgumentException("maxBytesPerAppend must be >= 1");
    if (maxInflightAppends < 1) throw new IllegalArgumentException("maxInflightAppends must be >= 1");
    if (maxInflightBytes < 1) throw new IllegalArgumentException("maxInflightBytes must be >= 1");
    if (catchUpEntries < 0) throw new IllegalArgumentException("catchUpEntries must be >= 0");
    mutations = mutations.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(mutations));
  }

  /** Production defaults in the spirit of etcd: 10-tick elections, 1-tick heartbeats, pre-vote and check-quorum on. */
  public static RaftConfig defaults(long id, Set<Long> voters) {
    return new RaftConfig(id, voters, 10, 1, true, true, 1024, 1 << 20, 256, 16L << 20, 1000, false, Set.of());
  }

  public RaftConfig withMutations(Set<Mutation> broken) {
    return new RaftConfig(id, voters, electionTicks, heartbeatTicks, preVote, checkQuorum, maxEntriesPerAppend,
        maxBytesPerAppend, maxInflightAppends, maxInflightBytes, catchUpEntries, leaseReads, broken);
  }

  public RaftConfig withBatching(int entriesPerAppend, long bytesPerAppend, int inflightAppends) {
    return new RaftConfig(id, voters, electionTicks, heartbeatTicks, preVote, checkQuorum, entriesPerAppend,
        bytesPerAppend, inflightAppends, maxInflightBytes, catchUpEntries, leaseReads, mutations);
  }

  public RaftConfig withElection(int election, int heartbeat, boolean withPreVote, boolean withCheckQuorum) {
    return new RaftConfig(id, voters, election, heartbeat, withPreVote, withCheckQuorum, maxEntriesPerAppend,
        maxBytesPerAppend, maxInflightAppends, maxInflightBytes, catchUpEntries, leaseReads, mutations);
  }

  public RaftConfig withCatchUpEntries(long entries) {
    return new RaftConfig(id, voters, electionTicks, heartbeatTicks, preVote, checkQuorum, maxEntriesPerAppend,
        maxBytesPerAppend, maxInflightAppends, maxInflightBytes, entries, leaseReads, mutations);
  }

  /** Lease reads on or off (see {@code leaseReads}); off by default. */
  public RaftConfig withLeaseReads(boolean on) {
    return new RaftConfig(id, voters, electionTicks, heartbeatTicks, preVote, checkQuorum, maxEntriesPerAppend,
        maxBytesPerAppend, maxInflightAppends, maxInflightBytes, catchUpEntries, on, mutations);
  }

  /**
   * How long a leader's lease lasts (§6.4.1), in its ticks from the send of a heartbeat a quorum
   * answered. A voter that got that heartbeat ignores votes for at least {@code electionTicks - 1} of
   * its own tick periods (its first tick may come at once); a lease read at tick count {@code n} is at
   * most {@code n - sentAt + 1} periods after the send. So the lease must stay under
   * {@code electionTicks - 1}, with a margin for tick rates that drift apart: a tenth of it, at least
   * one tick (10 election ticks: an 8-tick lease, safe while two nodes' tick rates differ by < 12.5%).
   * 0 (no lease ever holds) for very short election timeouts.
   */
  public int leaseTicks() {
    int protectedTicks = electionTicks - 1;
    int driftMargin = Math.max(1, (protectedTicks + 9) / 10);
    return Math.max(0, protectedTicks - driftMargin);
  }

  boolean broken(Mutation m) {
    return mutations.contains(m);
  }
}
