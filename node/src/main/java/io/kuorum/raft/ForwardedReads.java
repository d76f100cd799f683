package io.kuorum.raft;

import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A follower's linearizable reads (dissertation §6.4): the follower asks its leader for a read index
 * and reports the read confirmed at that index; the runtime serves it once it has applied that far.
 * Reads that arrive between two Readies share one request (as etcd batches its read index requests):
 * the request leaves after every read in it arrived, so the index the leader confirms is recent enough
 * for all of them. A read is abandoned when the follower learns of another leader (or none) or of a new
 * term (the same leader re-elected answers in its new term, which no longer matches the request's), or
 * when no answer came within {@code patienceTicks}: messages get lost, and a leader that stops leading
 * sends nothing.
 */
final class ForwardedReads {

  /** One request to the leader: its id is the first read's, {@code reads} are all the reads it answers. */
  private record Forwarded(long leader, long term, long askedAt, List<Long> reads) {}

  private final long self;
  private final int patienceTicks;
  private final Outbox outbox;
  /** Requests sent, by request id; sorted, so abandoning is in a deterministic order. */
  private final Map<Long, Forwarded> waiting = new TreeMap<>();
  /** Reads since the last Ready, for one leader and term: the next request. */
  private Forwarded unsent;
  private long ticks;

  ForwardedReads(long self, int patienceTicks, Outbox outbox) {
    this.self = self;
    this.patienceTicks = patienceTicks;
    this.outbox = outbox;
  }

  void forward(long readId, long leader, long term) {
    if (unsent != null && (unsent.leader() != leader || unsent.term() != term)) send();
    if (unsent == null) unsent = new Forwarded(leader, term, ticks, new ArrayList<>());
    unsent.reads().add(readId);
  }

  /** Sends the reads gathered since the last Ready as one request; the core calls it as it builds a Ready. */
  void send() {
    if (unsent == null) return;
    long requestId = unsent.reads().get(0);
    waiting.put(requestId, unsent);
    outbox.sendNow(new ReadIndexRequest(self, unsent.leader(), unsent.term(), requestId));
    unsent = null;
  }

  /** The leader's answer; one for a request no longer waiting, or from anyone else, is ignored. */
  void answered(ReadIndexResponse r) {
    Forwarded f = waiting.get(r.readId());
    if (f == null || f.leader() != r.from() || f.term() != r.term()) return;
    waiting.remove(r.readId());
    for (long readId : f.reads()) outbox.read(new ReadState.Confirmed(readId, r.index()));
  }

  void tick() {
    ticks++;
    for (Iterator<Map.Entry<Long, Forwarded>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
      Forwarded f = it.next().getValue();
      if (ticks - f.askedAt() >= patienceTicks) {
        it.remove();
        for (long readId : f.reads()) outbox.read(new ReadState.Abandoned(readId, OptionalLong.of(f.leader())));
      }
    }
  }

  /** The leader this node follows, or its term, changed: retry the reads where {@code leaderHint} says (late answers are dropped). */
  void abandonAll(OptionalLong leaderHint) {
    if (unsent != null) unsent.reads().forEach(readId -> outbox.read(new ReadState.Abandoned(readId, leaderHint)));
    unsent = null;
    waiting.values().forEach(f -> f.reads().forEach(readId -> outbox.read(new ReadState.Abandoned(readId, leaderHint))));
    waiting.clear();
  }
}
