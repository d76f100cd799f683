package io.kuorum.storage;

/** A stored record failed its checksum or cannot be decoded; the store turns it into a {@link StorageException}. */
final class CorruptRecordException extends RuntimeException {
  CorruptRecordException(String message) {
    super(message);
  }
}
