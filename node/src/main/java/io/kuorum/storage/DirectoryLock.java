package io.kuorum.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive claim on a data directory, held from open to close: an OS lock on a lock file in it. Our
 * own lock (rather than MapDB's) is taken before MapDB touches any file, and it is released even when
 * MapDB fails half-way through opening a corrupt file (MapDB 3.1.0 then leaks its file handle, and its
 * own lock with it). The lock file is never deleted: deleting lock files races with other openers.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "kuorum.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates the directory if needed and locks it; a clear {@link StorageException} if either is impossible. */
  static DirectoryLock acquire(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new StorageException(dir, "exists and is not a directory: point --data at a directory");
    } catch (IOException | SecurityException e) {
      throw new StorageException(dir, "cannot create the data directory (" + e + "): point --data at a writable location",
          e);
    }
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | SecurityException e) {
      throw new StorageException(dir, "the data directory is not writable (" + e + "): fix its permissions or point "
          + "--data at a writable directory", e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) throw inUse(file);
      return new DirectoryLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw inUse(file); // held by this same JVM
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageException(file, "cannot lock the data directory (" + e + ")", e);
    } catch (StorageException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static StorageException inUse(Path file) {
    return new StorageException(file, "the data directory is in use by another process (it holds this lock file): stop "
        + "the other node using it, or point --data at this member's own directory");
  }

  /** Idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases the lock anyway
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }
}
