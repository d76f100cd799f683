package io.kuorum.storage;

import java.nio.file.Path;

/**
 * Storage cannot be used: corrupt or foreign data, an unwritable directory, a file in use. The
 * message names the file and says what to do; the node must stop, never repair silently.
 */
public class StorageException extends RuntimeException {

  private final Path file;

  public StorageException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  public StorageException(Path file, String message) {
    this(file, message, null);
  }

  public Path file() {
    return file;
  }
}
