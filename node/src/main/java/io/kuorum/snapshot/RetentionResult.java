package io.kuorum.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * What one retention pass did: the snapshots it kept, the files it deleted (superseded snapshots and
 * stale temporary files), and the corrupt snapshots newer than the kept ones, which it left in place.
 */
public record RetentionResult(List<SnapshotFile> kept, List<Path> deleted, List<SnapshotProblem> corrupt) {

  public RetentionResult {
    kept = List.copyOf(kept);
    deleted = List.copyOf(deleted);
    corrupt = List.copyOf(corrupt);
  }
}
