package io.kuorum.transport;

import java.util.concurrent.atomic.LongAdder;

/** Live counters of one peer link; written from several threads, read by metrics. */
final class PeerCounters {
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder reconnects = new LongAdder();

  void sent() {
    sent.increment();
  }

  void dropped(long n) {
    dropped.add(n);
  }

  void reconnected() {
    reconnects.increment();
  }

  PeerStats snapshot() {
    return new PeerStats(sent.sum(), dropped.sum(), reconnects.sum());
  }
}
