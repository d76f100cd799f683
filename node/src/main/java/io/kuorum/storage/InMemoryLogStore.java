package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStore} on the heap, for tests and simulations: the same checks and semantics as
 * {@link MapDbLogStore} (both fold writes through {@link WritePlan}), no files. A write is "durable"
 * when it returns, which is what a simulated crash should assume. Not thread-safe.
 */
public final class InMemoryLogStore implements LogStore {

  private final StoreIdentity identity;
  /** The stored entries; the first one has index {@code compacted.index() + 1}. */
  private final ArrayList<Entry> entries = new ArrayList<>();
  private HardState hardState = HardState.INITIAL;
  private CompactionPoint compacted = CompactionPoint.NONE;
  private boolean closed;

  public InMemoryLogStore(StoreIdentity identity) {
    this.identity = identity;
  }

  @Override
  public StoreIdentity identity() {
    return identity;
  }

  @Override
  public HardState hardState() {
    checkOpen();
    return hardState;
  }

  @Override
  public long firstIndex() {
    checkOpen();
    return compacted.index() + 1;
  }

  @Override
  public long lastIndex() {
    checkOpen();
    return compacted.index() + entries.size();
  }

  @Override
  public long term(long index) {
    checkOpen();
    if (index == compacted.index()) return compacted.term();
    Ranges.checkTerm(index, firstIndex(), lastIndex());
    return entries.get(offset(index)).term();
  }

  @Override
  public List<Entry> entries(long from, long to) {
    checkOpen();
    Ranges.checkEntries(from, to, firstIndex(), lastIndex());
    return List.copyOf(entries.subList(offset(from), offset(to) + 1));
  }

  @Override
  public void write(List<LogWrite> batches) {
    checkOpen();
    WritePlan plan = WritePlan.of(this, batches);
    entries.subList(offset(plan.replaceFrom()), entries.size()).clear();
    entries.addAll(plan.append());
    hardState = plan.hardState().orElse(hardState);
  }

  @Override
  public void compactPrefix(long index) {
    checkOpen();
    if (index <= compacted.index()) return;
    if (index > lastIndex()) throw new IllegalArgumentException("cannot compact to " + index + ": the log ends at " + lastIndex());
    CompactionPoint next = new CompactionPoint(index, term(index));
    entries.subList(0, offset(index) + 1).clear();
    compacted = next;
  }

  @Override
  public void continueAfterSnapshot(long index, long term) {
    checkOpen();
    if (index <= compacted.index()) return;
    if (index <= lastIndex() && term(index) == term) {
      compactPrefix(index);
      return;
    }
    Ranges.checkSnapshotReset(index, hardState);
    entries.clear();
    compacted = new CompactionPoint(index, term);
  }

  @Override
  public void close() {
    closed = true;
  }

  private int offset(long index) {
    return (int) (index - compacted.index() - 1);
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("log store is closed");
  }
}
