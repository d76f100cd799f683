package io.kuorum.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The last two steps of every durable file write here: atomic rename into place, then fsync of the directory. */
final class Durable {

  private Durable() {}

  /**
   * Renames {@code temp} (already fsynced) to {@code target}, replacing a file of the same name (it holds
   * the same snapshot: the state at one committed index is the same everywhere), and makes the rename
   * durable so that a snapshot cannot vanish on power loss after it was reported written.
   */
  static void rename(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(target.getParent());
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover temporary file is removed by the next retention pass
    }
  }
}
