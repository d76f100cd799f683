package io.kuorum.raft;

import java.util.Arrays;

/**
 * One log entry. The core never mutates {@code data} and does not copy it: whoever creates an entry
 * hands the array over (no copies on the hot path between transport, core and storage).
 */
public record Entry(long index, long term, Type type, byte[] data) {

  /** What an entry carries. */
  public enum Type {
    /** The empty entry a new leader appends at the start of its term (§5.4.2, §8). */
    NOOP,
    /** A state machine command proposed by a client. */
    COMMAND,
    /** A new cluster configuration ({@link ConfigurationEntry}); it takes effect when appended (§6). */
    CONFIG
  }

  /** Bytes an entry adds to a message besides its payload; used for byte-bounded batching. */
  static final int OVERHEAD_BYTES = 24;

  private static final byte[] EMPTY = new byte[0];

  public Entry {
    if (index < 1) throw new IllegalArgumentException("entry index must be >= 1, got " + index);
    if (term < 1) throw new IllegalArgumentException("entry term must be >= 1, got " + term);
    if (type == null || data == null) throw new IllegalArgumentException("entry type and data are required");
  }

  public static Entry noop(long index, long term) {
    return new Entry(index, term, Type.NOOP, EMPTY);
  }

  public static Entry command(long index, long term, byte[] data) {
    return new Entry(index, term, Type.COMMAND, data);
  }

  public static Entry config(long index, long term, ConfigurationEntry configuration) {
    return new Entry(index, term, Type.CONFIG, configuration.encode());
  }

  /** Size counted against message and in-flight byte limits. */
  public int sizeBytes() {
    return data.length + OVERHEAD_BYTES;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && e.index == index && e.term == term && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(index) + Long.hashCode(term)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
  }
}
