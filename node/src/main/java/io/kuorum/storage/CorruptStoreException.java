package io.kuorum.storage;

import java.nio.file.Path;

/** The store's contents cannot be trusted (damaged, torn or inconsistent), as opposed to being foreign or locked. */
public final class CorruptStoreException extends StorageException {
  public CorruptStoreException(Path file, String message, Throwable cause) {
    super(file, message, cause);
  }
}
