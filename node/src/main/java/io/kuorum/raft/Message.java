package io.kuorum.raft;

import java.util.List;

/**
 * The messages servers exchange (Figure 2), plus pre-vote (dissertation §9.6) and heartbeats that
 * carry no log check. Every message carries the sender's term; the receiver applies the term rules
 * of §5.1 before anything else.
 */
public sealed interface Message {

  long from();

  long to();

  long term();

  /**
   * RequestVote RPC (§5.2). With {@code preVote}, {@code term} is the term the sender would campaign in.
   * With {@code transfer}, the campaign was started by the leader's {@link TimeoutNow}, so voters that
   * still hear from that leader must not ignore it (dissertation §3.10, §4.2.3).
   */
  record RequestVote(long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
      boolean transfer) implements Message {}

  /** Reply to {@link RequestVote}; a granted pre-vote carries the proposed term, anything else the voter's. */
  record VoteResponse(long from, long to, long term, boolean granted, boolean preVote) implements Message {}

  /** AppendEntries RPC (§5.3). */
  record AppendEntries(long from, long to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
      long leaderCommit) implements Message {
    public AppendEntries {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Reply to {@link AppendEntries}. On success {@code index} is the last index known to match the
   * leader's log. On rejection it is the rejected {@code prevLogIndex}, and ({@code hintIndex},
   * {@code hintTerm}) name the follower's last entry that might still match, so the leader can skip a
   * whole term of mismatching entries per round trip instead of one entry.
   */
  record AppendResponse(long from, long to, long term, boolean success, long index, long hintIndex,
      long hintTerm) implements Message {}

  /**
   * Leader liveness and commit propagation, with no log check: {@code commit} never exceeds the
   * follower's match. {@code round} numbers the leader's ReadIndex rounds (§6.4); 0 when it confirms no read.
   * {@code sentAt} is the leader's tick count in its term (from 1) when it sent the heartbeat: echoed back, it
   * times the leader's lease (§6.4.1) from the send of a heartbeat a quorum answered.
   */
  record Heartbeat(long from, long to, long term, long commit, long round, long sentAt) implements Message {
    /** A heartbeat that times no lease: {@code sentAt} 0, which a leader's lease ignores (§6.4.1). */
    public Heartbeat(long from, long to, long term, long commit, long round) {
      this(from, to, term, commit, round, 0);
    }
  }

  /**
   * Reply to {@link Heartbeat}, echoing its {@code round} and {@code sentAt}; {@code sentAt} 0 when it
   * answers nothing a lease may count (a stale-term request).
   */
  record HeartbeatResponse(long from, long to, long term, long round, long sentAt) implements Message {
    public HeartbeatResponse(long from, long to, long term, long round) {
      this(from, to, term, round, 0);
    }
  }

  /**
   * Dissertation §6.4: a follower asks its leader to confirm a linearizable read. {@code readId} is the
   * follower's own; the leader keys the read by (follower, readId).
   */
  record ReadIndexRequest(long from, long to, long term, long readId) implements Message {}

  /**
   * The leader confirmed the follower's read {@code readId} at {@code index}: its commit index when the
   * request arrived, after a quorum answered a heartbeat round started after that. The follower serves
   * the read once it has applied {@code index}. A leader that cannot confirm sends nothing.
   */
  record ReadIndexResponse(long from, long to, long term, long readId, long index) implements Message {}

  /**
   * InstallSnapshot RPC (§7): the leader has compacted away entries this follower still needs, so it
   * sends its latest snapshot instead. (The runtime may carry {@code snapshot.data()} in chunks.)
   */
  record InstallSnapshot(long from, long to, long term, Snapshot snapshot) implements Message {}

  /** Leadership transfer (dissertation §3.10): the leader tells an up-to-date voter to campaign at once. */
  record TimeoutNow(long from, long to, long term) implements Message {}
}
