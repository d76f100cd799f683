package io.kuorum.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages produced since the last {@link Ready}, split by whether they must wait for durability, and
 * the answers to reads (which wait for nothing but the state machine).
 */
final class Outbox {

  private final List<Message> now = new ArrayList<>();
  private final List<Message> afterPersist = new ArrayList<>();
  private final List<ReadState> reads = new ArrayList<>();

  /** A message that promises nothing about this node's durable state (a leader's replication). */
  void sendNow(Message m) {
    now.add(m);
  }

  /** A message that promises durable state (a vote, an acknowledgement): it leaves after the persist. */
  void sendAfterPersist(Message m) {
    afterPersist.add(m);
  }

  void send(Message m, boolean mayPrecedePersist) {
    if (mayPrecedePersist) sendNow(m);
    else sendAfterPersist(m);
  }

  void read(ReadState r) {
    reads.add(r);
  }

  boolean isEmpty() {
    return now.isEmpty() && afterPersist.isEmpty() && reads.isEmpty();
  }

  List<ReadState> drainReads() {
    List<ReadState> out = List.copyOf(reads);
    reads.clear();
    return out;
  }

  List<Message> drainNow() {
    List<Message> out = List.copyOf(now);
    now.clear();
    return out;
  }

  List<Message> drainAfterPersist() {
    List<Message> out = List.copyOf(afterPersist);
    afterPersist.clear();
    return out;
  }
}
