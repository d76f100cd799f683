package io.kuorum.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A leader's linearizable reads without log entries (dissertation §6.4, ReadIndex):
 * <ol>
 *   <li>the leader must have committed an entry of its own term, or its commit index may be behind
 *       the cluster's; reads wait until it has;</li>
 *   <li>the read index is the commit index when the read arrives;</li>
 *   <li>the leader sends a round of heartbeats started after the read arrived; once a quorum of
 *       voters (both majorities during a joint change) answered that round or a later one, no other
 *       leader can have existed when the read arrived, and the read is confirmed at its index.</li>
 * </ol>
 * Reads that arrive before a round's heartbeats leave share that round. No clock is involved. Leader
 * state: it ends with the leadership, and every read still waiting is abandoned then. A read is keyed
 * by who asked and that member's read id: followers forward reads here (§6.4), and two followers may
 * well pick the same id.
 */
final class ReadIndex {

  /** A read asked for by {@code requester} (this leader, or a follower that forwarded it) under its own {@code readId}. */
  record ReadRequest(long requester, long readId) {}

  /** Where the outcome of a read goes: to this leader's runtime, or back to the follower that asked. */
  interface Answers {
    void confirmed(ReadRequest read, long index);

    void abandoned(ReadRequest read, OptionalLong leaderHint);
  }

  private record Waiting(ReadRequest read, long index, long round) {}

  private final long self;
  private final RaftConfig config;
  private final LongConsumer startRound;
  private final Answers out;
  private final List<ReadRequest> beforeOwnTermCommit = new ArrayList<>();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private final Map<Long, Long> answeredRound = new HashMap<>();
  private long round;
  /** A round was started since the heartbeats last left: a new read can join it. */
  private boolean roundOpen;

  /** {@code startRound} sends heartbeats carrying the given round number to every follower; {@code out} takes answers. */
  ReadIndex(long self, RaftConfig config, LongConsumer startRound, Answers out) {
    this.self = self;
    this.config = config;
    this.startRound = startRound;
    this.out = out;
  }

  /** A read arrives; {@code committed} is the commit index now, {@code ownTermCommitted} whether step 1 holds. */
  void request(ReadRequest read, long committed, boolean ownTermCommitted, Quorum quorum) {
    if (!ownTermCommitted && !config.broken(Mutation.READ_BEFORE_OWN_TERM_COMMIT)) {
      beforeOwnTermCommit.add(read);
      return;
    }
    if (config.broken(Mutation.READ_WITHOUT_QUORUM_ROUND)) {
      out.confirmed(read, committed);
      return;
    }
    if (!roundOpen) {
      round++;
      roundOpen = true;
      startRound.accept(round);
    }
    waiting.addLast(new Waiting(read, committed, round));
    confirm(quorum); // a single voter is its own quorum
  }

  /** The leader committed an entry of its term: the reads that waited for it start now. */
  void ownTermCommitted(long committed, Quorum quorum) {
    if (beforeOwnTermCommit.isEmpty()) return; // the usual case: called on every commit
    List<ReadRequest> ready = List.copyOf(beforeOwnTermCommit);
    beforeOwnTermCommit.clear();
    for (ReadRequest read : ready) request(read, committed, true, quorum);
  }

  /** A follower answered the heartbeats of {@code answered} (0: a heartbeat sent for no read). */
  void answered(long follower, long answered, Quorum quorum) {
    if (answered <= 0) return;
    answeredRound.merge(follower, answered, Math::max);
    confirm(quorum);
  }

  /** The heartbeats of the open round have been handed out: later reads need a new round. */
  void roundSent() {
    roundOpen = false;
  }

  /** The leadership ends: every read still waiting is abandoned. */
  void abandonAll(OptionalLong leaderHint) {
    for (ReadRequest read : beforeOwnTermCommit) out.abandoned(read, leaderHint);
    for (Waiting w : waiting) out.abandoned(w.read(), leaderHint);
    beforeOwnTermCommit.clear();
    waiting.clear();
  }

  private void confirm(Quorum quorum) {
    while (!waiting.isEmpty() && quorumAnswered(waiting.peekFirst().round(), quorum)) {
      Waiting w = waiting.pollFirst();
      out.confirmed(w.read(), w.index());
    }
  }

  private boolean quorumAnswered(long r, Quorum quorum) {
    Map<Long, Boolean> answers = new TreeMap<>();
    for (long voter : quorum.voters()) {
      if (voter == self || answeredRound.getOrDefault(voter, 0L) >= r) answers.put(voter, true);
    }
    return quorum.voteResult(answers) == VoteResult.WON;
  }
}
