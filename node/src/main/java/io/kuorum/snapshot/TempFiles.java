package io.kuorum.snapshot;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files this process is writing right now (snapshot writes and transfers in progress).
 * Retention deletes every other temporary file in the directory, and must not delete these: a name is
 * registered here before its file is created, so retention can never see it unregistered.
 * Thread-safe: writes, transfers and retention run on different threads.
 */
final class TempFiles {

  private final Set<Path> inProgress = ConcurrentHashMap.newKeySet();

  /** A fresh name in {@code dir}, registered; the caller creates the file (CREATE_NEW) and later {@link #release}s it. */
  Path reserve(Path dir, String prefix) {
    Path file = dir.resolve(prefix + "." + UUID.randomUUID() + SnapshotFormat.TEMP_SUFFIX);
    inProgress.add(file);
    return file;
  }

  void release(Path file) {
    inProgress.remove(file);
  }

  boolean inProgress(Path file) {
    return inProgress.contains(file);
  }
}
