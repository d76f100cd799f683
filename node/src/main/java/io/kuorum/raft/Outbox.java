package io.kuorum.raft;

import java.util.ArrayList;
import java.util.List;

/** Messages produced since the last {@link Ready}, split by whether they must wait for durability. */
final class Outbox {

  private final List<Message> now = new ArrayList<>();
  private final List<Message> afterPersist = new ArrayList<>();

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

  boolean isEmpty() {
    return now.isEmpty() && afterPersist.isEmpty();
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
