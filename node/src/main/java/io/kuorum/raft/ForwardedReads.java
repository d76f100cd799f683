package io.kuorum.raft;

import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A follower's linearizable reads (dissertation §6.4): the follower asks its leader for a read index
 * and reports the read confirmed at that index; the runtime serves it once it has applied that far.
 * A read is abandoned when the follower learns of another leader (or none) or of a new term (the same
 * leader re-elected answers in its new term, which no longer matches the read's), or when no answer came
 * within {@code patienceTicks}: messages get lost, and a leader that stops leading sends nothing.
 */
final class ForwardedReads {

  private record Forwarded(long leader, long term, long askedAt) {}

  private final long self;
  private final int patienceTicks;
  private final Outbox outbox;
  /** By read id; sorted, so abandoning is in a deterministic order. */
  private final Map<Long, Forwarded> waiting = new TreeMap<>();
  private long ticks;

  ForwardedReads(long self, int patienceTicks, Outbox outbox) {
    this.self = self;
    this.patienceTicks = patienceTicks;
    this.outbox = outbox;
  }

  void forward(long readId, long leader, long term) {
    waiting.put(readId, new Forwarded(leader, term, ticks));
    outbox.sendNow(new ReadIndexRequest(self, leader, term, readId));
  }

  /** The leader's answer; one for a read no longer waiting, or from anyone else, is ignored. */
  void answered(ReadIndexResponse r) {
    Forwarded f = waiting.get(r.readId());
    if (f == null || f.leader() != r.from() || f.term() != r.term()) return;
    waiting.remove(r.readId());
    outbox.read(new ReadState.Confirmed(r.readId(), r.index()));
  }

  void tick() {
    ticks++;
    for (Iterator<Map.Entry<Long, Forwarded>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Forwarded> e = it.next();
      if (ticks - e.getValue().askedAt() >= patienceTicks) {
        it.remove();
        outbox.read(new ReadState.Abandoned(e.getKey(), OptionalLong.of(e.getValue().leader())));
      }
    }
  }

  /** The leader this node follows, or its term, changed: retry the reads where {@code leaderHint} says (late answers are dropped). */
  void abandonAll(OptionalLong leaderHint) {
    waiting.keySet().forEach(readId -> outbox.read(new ReadState.Abandoned(readId, leaderHint)));
    waiting.clear();
  }
}
