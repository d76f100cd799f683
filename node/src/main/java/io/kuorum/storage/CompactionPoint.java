package io.kuorum.storage;

/** The last entry dropped by compaction: the log starts right after it, and its term anchors the log. */
record CompactionPoint(long index, long term) {
  static final CompactionPoint NONE = new CompactionPoint(0, 0);

  CompactionPoint {
    if (index < 0 || term < 0) throw new IllegalArgumentException("compaction point must be >= 0: " + index + "@" + term);
  }
}
