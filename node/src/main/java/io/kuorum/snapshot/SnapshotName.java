package io.kuorum.snapshot;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which snapshot a file holds, as its name says: {@code snap-<index, 20 digits>-<term>.snap}. The index
 * is zero-padded so that a plain directory listing sorts by it. The name is also the small reference
 * the runtime can keep in {@code raft.Snapshot.data}: it identifies the file without holding the state.
 */
public record SnapshotName(long index, long term) {

  /** Newest first: higher index, then (never expected for one index, but total) higher term. */
  public static final Comparator<SnapshotName> NEWEST_FIRST =
      Comparator.comparingLong(SnapshotName::index).thenComparingLong(SnapshotName::term).reversed();

  static final String SUFFIX = ".snap";
  private static final Pattern PATTERN = Pattern.compile("snap-(\\d{20})-(\\d{1,19})\\.snap");

  public SnapshotName {
    if (index < 1 || term < 1) throw new IllegalArgumentException("a snapshot covers index >= 1 of term >= 1, got " + index + "@" + term);
  }

  public String fileName() {
    return String.format("snap-%020d-%d%s", index, term, SUFFIX);
  }

  /**
   * The snapshot a file name stands for; empty for any other name, including non-canonical spellings
   * (a short index, a zero-padded term), so that exactly one name maps to each snapshot.
   */
  public static Optional<SnapshotName> parse(String fileName) {
    Matcher m = PATTERN.matcher(fileName);
    if (!m.matches()) return Optional.empty();
    try {
      long index = Long.parseLong(m.group(1));
      long term = Long.parseLong(m.group(2));
      if (index < 1 || term < 1) return Optional.empty();
      SnapshotName name = new SnapshotName(index, term);
      return name.fileName().equals(fileName) ? Optional.of(name) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty(); // more digits than a long holds
    }
  }

  @Override
  public String toString() {
    return index + "@" + term;
  }
}
