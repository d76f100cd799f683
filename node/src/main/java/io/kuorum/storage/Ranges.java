package io.kuorum.storage;

import io.kuorum.raft.HardState;

/** Bounds checks shared by the stores, so both fail the same way with the same message. */
final class Ranges {

  private Ranges() {}

  static void checkEntries(long from, long to, long first, long last) {
    if (from < first || to > last || from > to + 1) {
      throw new IllegalArgumentException("entries [" + from + ", " + to + "] are outside the stored log [" + first + ", "
          + last + "]" + (from > to + 1 ? " (from is after to)" : ""));
    }
  }

  /** A snapshot that does not match the stored log may replace it only above the stored commit index. */
  static void checkSnapshotReset(long index, HardState hardState) {
    if (hardState.commit() > index) {
      throw new IllegalArgumentException("a snapshot ending at " + index + " cannot replace a log committed up to "
          + hardState.commit() + ": committed entries would be lost");
    }
  }

  static void checkTerm(long index, long first, long last) {
    if (index < first - 1 || index > last) {
      throw new IllegalArgumentException("no term for index " + index + ": the stored log is [" + first + ", " + last
          + "] and the term of " + (first - 1) + " is the last compacted one");
    }
  }
}
