package io.kuorum.storage;

import java.util.Arrays;

/**
 * Index-to-term lookup for the stored log in memory proportional to the number of term changes, not
 * of entries: terms change rarely, so a million entries usually need a handful of runs. The caller
 * checks bounds and keeps indexes contiguous.
 */
final class TermRuns {

  private long[] starts = new long[8];
  private long[] terms = new long[8];
  private int size;

  /** Records that the entry at {@code index} (the next index after the last one) has {@code term}. */
  void append(long index, long term) {
    if (size > 0 && terms[size - 1] == term) return;
    if (size == starts.length) {
      starts = Arrays.copyOf(starts, size * 2);
      terms = Arrays.copyOf(terms, size * 2);
    }
    starts[size] = index;
    terms[size] = term;
    size++;
  }

  /** Forgets the entries at and after {@code index}. */
  void truncateFrom(long index) {
    while (size > 0 && starts[size - 1] >= index) size--;
  }

  /** Forgets the runs that end before {@code firstIndex}, the new first stored index. */
  void dropBefore(long firstIndex) {
    int keepFrom = Math.max(0, runOf(firstIndex));
    if (keepFrom == 0) return;
    System.arraycopy(starts, keepFrom, starts, 0, size - keepFrom);
    System.arraycopy(terms, keepFrom, terms, 0, size - keepFrom);
    size -= keepFrom;
  }

  long term(long index) {
    int run = runOf(index);
    if (run < 0) throw new IllegalStateException("no term recorded for index " + index);
    return terms[run];
  }

  int runCount() {
    return size;
  }

  /** The run holding {@code index}: the last one starting at or before it; -1 if none. */
  private int runOf(long index) {
    int found = Arrays.binarySearch(starts, 0, size, index);
    return found >= 0 ? found : -found - 2;
  }
}
