package io.kuorum.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newest snapshot that verified, if any, and every newer one that did not (newest first). A node
 * that restarts from an older snapshot must say so: {@link #summary()} is that sentence.
 */
public record LatestSnapshot(Optional<SnapshotFile> snapshot, List<SnapshotProblem> skipped) {

  public LatestSnapshot {
    skipped = List.copyOf(skipped);
  }

  /** E.g. "snapshot .../snap-…-3.snap is corrupt (its checksum does not match …); using older snap-…-2.snap". */
  public String summary() {
    List<String> parts = new ArrayList<>();
    for (SnapshotProblem p : skipped) parts.add(p.toString());
    String problems = String.join("; ", parts);
    if (snapshot.isEmpty()) return skipped.isEmpty() ? "no snapshot" : problems + "; no older valid snapshot";
    String using = "using " + (skipped.isEmpty() ? "" : "older ") + "snapshot " + snapshot.get().path();
    return skipped.isEmpty() ? using : problems + "; " + using;
  }
}
