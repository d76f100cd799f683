package io.kuorum.snapshot;

import io.kuorum.storage.StorageException;
import java.nio.file.Path;

/**
 * A snapshot file cannot be trusted: truncated, damaged, of an unknown format, or inconsistent with its
 * name. The file is never modified or deleted on this path; the message names it and says what to do.
 */
public final class CorruptSnapshotException extends StorageException {

  private final String reason;

  public CorruptSnapshotException(Path file, String reason, Throwable cause) {
    super(file, "the snapshot is unusable: " + reason + ". The file was left untouched: restore it from a backup, or move "
        + "it out of the snapshots directory so that the node falls back to an older valid snapshot or receives a new "
        + "one from the leader", cause);
    this.reason = reason;
  }

  public CorruptSnapshotException(Path file, String reason) {
    this(file, reason, null);
  }

  /** What is wrong with the file, without the advice: for one-line reports such as {@link LatestSnapshot#summary()}. */
  public String reason() {
    return reason;
  }
}
