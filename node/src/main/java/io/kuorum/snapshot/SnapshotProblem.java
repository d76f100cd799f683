package io.kuorum.snapshot;

import java.nio.file.Path;

/** A snapshot file that did not verify, and why; reported, never repaired or deleted. */
public record SnapshotProblem(Path file, String reason) {

  @Override
  public String toString() {
    return "snapshot " + file + " is corrupt (" + reason + ")";
  }
}
