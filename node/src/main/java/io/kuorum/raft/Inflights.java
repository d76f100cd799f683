package io.kuorum.raft;

import java.util.ArrayDeque;

/**
 * Flow control for one follower in the replicate state: the AppendEntries messages sent but not yet
 * acknowledged, bounded by count and by bytes, so a slow follower cannot make the leader buffer
 * without limit.
 */
final class Inflights {

  private record Sent(long lastIndex, long bytes) {}

  private final int maxMessages;
  private final long maxBytes;
  private final ArrayDeque<Sent> sent = new ArrayDeque<>();
  private long bytes;

  Inflights(int maxMessages, long maxBytes) {
    if (maxMessages < 1) throw new IllegalArgumentException("maxMessages must be >= 1, got " + maxMessages);
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Records a message whose last entry is {@code lastIndex}; indexes must increase. */
  void add(long lastIndex, long messageBytes) {
    if (!sent.isEmpty() && sent.peekLast().lastIndex() >= lastIndex) {
      throw new IllegalArgumentException("in-flight indexes must increase: " + sent.peekLast().lastIndex()
          + " then " + lastIndex);
    }
    sent.addLast(new Sent(lastIndex, messageBytes));
    bytes += messageBytes;
  }

  /** The follower acknowledged everything up to {@code index}: those messages are no longer in flight. */
  void freeUpTo(long index) {
    while (!sent.isEmpty() && sent.peekFirst().lastIndex() <= index) {
      bytes -= sent.pollFirst().bytes();
    }
  }

  /** Forgets the oldest message: lets one more probe through when acknowledgements may have been lost. */
  void freeFirst() {
    if (!sent.isEmpty()) bytes -= sent.pollFirst().bytes();
  }

  /** Full when either bound is reached; a single oversized message is still allowed when nothing is in flight. */
  boolean isFull() {
    return sent.size() >= maxMessages || (!sent.isEmpty() && bytes >= maxBytes);
  }

  int count() {
    return sent.size();
  }

  long bytes() {
    return bytes;
  }

  void reset() {
    sent.clear();
    bytes = 0;
  }
}
