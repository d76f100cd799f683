package io.kuorum.storage;

import java.util.List;

/**
 * Which segment files hold the log: the sealed ones, oldest first, each for a range of indexes, then
 * the head (the only file still written), which holds the entries from {@code headFirst} on. Stored in
 * the head; the head with the highest sequence number is the one that counts.
 *
 * <p>Ranges are logical: a sealed file may physically hold entries beyond its {@code last} (replaced
 * by a later truncation) and any file may hold entries below the compaction point; both are ignored
 * until the file is deleted as a whole. Files are never edited once sealed, which is what lets the log
 * shed compacted entries by deleting files, the only way MapDB gives space back.
 */
record SegmentTable(long headSeq, long headFirst, List<Sealed> sealed) {

  /** A sealed segment file and the indexes [first, last] the log takes from it. */
  record Sealed(long seq, long first, long last) {
    Sealed {
      if (seq < 1 || first < 1 || last < first) {
        throw new IllegalArgumentException("sealed segment " + seq + " with range [" + first + ", " + last + "]");
      }
    }
  }

  SegmentTable {
    sealed = List.copyOf(sealed);
    if (headSeq < 1 || headFirst < 1) throw new IllegalArgumentException("head segment " + headSeq + " from " + headFirst);
    long expectFirst = -1;
    long prevSeq = 0;
    for (Sealed s : sealed) {
      if (s.seq() <= prevSeq) throw new IllegalArgumentException("sealed segments out of order at " + s.seq());
      if (expectFirst >= 0 && s.first() != expectFirst) {
        throw new IllegalArgumentException("sealed segment " + s.seq() + " starts at " + s.first() + ", not " + expectFirst);
      }
      prevSeq = s.seq();
      expectFirst = s.last() + 1;
    }
    if (prevSeq >= headSeq) throw new IllegalArgumentException("sealed segment " + prevSeq + " is not older than the head " + headSeq);
    if (expectFirst >= 0 && headFirst != expectFirst) {
      throw new IllegalArgumentException("the head starts at " + headFirst + ", not after the last sealed segment (" + expectFirst + ")");
    }
  }

  static SegmentTable first() {
    return new SegmentTable(1, 1, List.of());
  }

  /** The index of the first entry any file holds for the log. */
  long firstHeld() {
    return sealed.isEmpty() ? headFirst : sealed.get(0).first();
  }
}
