package io.kuorum.transport;

import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages waiting for one peer, bounded by count and by estimated bytes. Lock-free, so the Raft
 * core's thread never waits on the sender draining it.
 */
final class OutboundQueue {
  /** Bytes counted for a message's header fields, besides its entries. */
  static final int MESSAGE_OVERHEAD_BYTES = 48;

  private final int maxMessages;
  private final long maxBytes;
  private final Queue<Queued> items = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();

  OutboundQueue(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Adds the message, or returns false (and keeps nothing) when either bound would be exceeded. */
  boolean offer(Message message) {
    long size = estimatedBytes(message);
    if (count.incrementAndGet() > maxMessages) {
      count.decrementAndGet();
      return false;
    }
    if (bytes.addAndGet(size) > maxBytes) {
      bytes.addAndGet(-size);
      count.decrementAndGet();
      return false;
    }
    items.add(new Queued(message, size));
    return true;
  }

  Optional<Message> poll() {
    Queued q = items.poll();
    if (q == null) return Optional.empty();
    count.decrementAndGet();
    bytes.addAndGet(-q.size());
    return Optional.of(q.message());
  }

  /** Empties the queue; returns how many messages were discarded. */
  int clear() {
    int n = 0;
    while (poll().isPresent()) n++;
    return n;
  }

  int size() {
    return count.get();
  }

  long bytes() {
    return bytes.get();
  }

  /** A cheap size estimate taken on the caller's thread; encoding happens later, on the sender. */
  static long estimatedBytes(Message message) {
    long size = MESSAGE_OVERHEAD_BYTES;
    if (message instanceof Message.AppendEntries ae) {
      for (Entry e : ae.entries()) size += e.sizeBytes();
    }
    return size;
  }

  private record Queued(Message message, long size) {}
}
