package io.kuorum.check;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Records a concurrent history of key-value operations for {@link LinearizabilityChecker}.
 *
 * <p>Serializable reads ({@link #invokeSerializableRead}) may be stale by design: they are kept apart,
 * out of {@link #operations()}, and checked by {@link SerializableReadChecker} instead.
 *
 * <p>Times are any monotonic long clock (simulated ticks, or System.nanoTime in process tests). Every op is
 * finished at most once, by {@link #ok}, {@link #fail} or {@link #unknown}; finishing it twice is a harness bug
 * and throws. Thread-safe: process tests record from many threads, so a single lock guards everything.
 */
public final class History {

  private final Object lock = new Object();
  /** Insertion order = op id order. Failed ops are removed: they never happened. */
  private final Map<Long, Operation> operations = new LinkedHashMap<>();
  /** Ops finished by ok or unknown; the rest are still pending. */
  private final Set<Long> finished = new HashSet<>();
  /** Serializable reads: excluded from {@link #operations()}. */
  private final Set<Long> serializable = new HashSet<>();
  private long nextId;

  /** Records that a client invoked an operation; returns the op id to finish it with. */
  public long invoke(int clientId, String key, KvInput input, long time) {
    synchronized (lock) {
      long id = nextId++;
      operations.put(id, Operation.unknown(id, clientId, key, input, time));
      return id;
    }
  }

  /** Records that a client invoked a serializable read of {@code key}: it may be stale, so it is never checked strictly. */
  public long invokeSerializableRead(int clientId, String key, long time) {
    synchronized (lock) {
      long id = invoke(clientId, key, new KvInput.Get(), time);
      serializable.add(id);
      return id;
    }
  }

  /** The client received a definite answer. */
  public void ok(long opId, KvOutput output, long time) {
    Objects.requireNonNull(output, "output");
    synchronized (lock) {
      Operation pending = pending(opId);
      operations.put(opId, new Operation(opId, pending.clientId(), pending.key(), pending.input(),
          pending.invokedAt(), time, Optional.of(output)));
      finished.add(opId);
    }
  }

  /** The operation definitely did NOT take effect (e.g. rejected before being proposed): dropped from the history. */
  public void fail(long opId) {
    synchronized (lock) {
      pending(opId);
      operations.remove(opId);
    }
  }

  /** The operation may or may not have taken effect, at any time after its invocation (timeout, crash...). */
  public void unknown(long opId) {
    synchronized (lock) {
      pending(opId);
      finished.add(opId);
    }
  }

  /**
   * A snapshot in invocation-call order of every operation but the serializable reads; ops never
   * finished are reported with an unknown outcome. This is what must be linearizable.
   */
  public List<Operation> operations() {
    synchronized (lock) {
      return operations.values().stream().filter(op -> !serializable.contains(op.id())).toList();
    }
  }

  /** The serializable reads that got an answer, in invocation order. */
  public List<Operation> serializableReads() {
    synchronized (lock) {
      return operations.values().stream().filter(op -> serializable.contains(op.id()) && !op.isUnknown()).toList();
    }
  }

  /** The number of operations in the history (failed ones excluded). */
  public int size() {
    synchronized (lock) {
      return operations.size();
    }
  }

  private Operation pending(long opId) {
    Operation op = operations.get(opId);
    if (op == null) {
      throw new IllegalStateException(opId < nextId
          ? "op " + opId + " was already failed" : "op " + opId + " was never invoked");
    }
    if (finished.contains(opId)) {
      throw new IllegalStateException("op " + opId + " was already finished: " + op.describe());
    }
    return op;
  }
}
