package io.kuorum.snapshot;

import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A snapshot file being received from the leader, chunk by chunk, into a temporary file of the snapshots
 * directory. Nothing trusts it until {@link #install} has verified it and renamed it into place; until
 * then {@link #close()} (or a crash, followed by retention) removes it. A transfer broken off and
 * resumed continues at {@link #length()}. Used by one thread (the transfer's), not thread-safe.
 */
public final class SnapshotStaging implements AutoCloseable {

  private final Path dir;
  private final TempFiles temps;
  private final Path file;
  private final FileChannel channel;
  private long length;
  private boolean finished;

  private SnapshotStaging(Path dir, TempFiles temps, Path file, FileChannel channel) {
    this.dir = dir;
    this.temps = temps;
    this.file = file;
    this.channel = channel;
  }

  static SnapshotStaging create(Path dir, TempFiles temps) {
    Path file = temps.reserve(dir, "receiving");
    try {
      return new SnapshotStaging(dir, temps, file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    } catch (IOException e) {
      temps.release(file);
      throw new StorageException(file, "cannot create a file for a snapshot being received (" + e + "): check that the "
          + "snapshots directory is writable", e);
    }
  }

  public Path path() {
    return file;
  }

  /** Bytes received so far; the offset the next chunk must start at. */
  public long length() {
    return length;
  }

  /**
   * Appends a chunk that starts at {@code offset} of the sender's file.
   *
   * @throws IllegalArgumentException if {@code offset} is not {@link #length()}: chunks must arrive in order,
   *     and a resumed transfer must restart at {@link #length()}
   */
  public void append(long offset, byte[] chunk) {
    if (finished) throw new IllegalStateException("snapshot transfer into " + file + " is already installed or closed");
    if (offset != length) {
      throw new IllegalArgumentException("snapshot chunk starts at offset " + offset + " but " + length + " bytes were "
          + "received so far: resume the transfer at offset " + length);
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(chunk);
      while (buf.hasRemaining()) channel.write(buf, length + buf.position());
      length += chunk.length;
    } catch (IOException e) {
      throw new StorageException(file, "cannot write a received snapshot chunk (" + e + "): check that the disk is not full", e);
    }
  }

  /**
   * Makes the received file durable, verifies it, checks that it is the snapshot the leader announced,
   * and renames it into the snapshots directory under its snapshot name.
   *
   * @throws CorruptSnapshotException if the received bytes do not verify or hold another snapshot; the
   *     staging file stays until {@link #close()}, and the transfer should be requested again
   */
  public SnapshotFile install(SnapshotName expected) {
    if (finished) throw new IllegalStateException("snapshot transfer into " + file + " is already installed or closed");
    try {
      channel.force(true);
      SnapshotFile received = SnapshotFile.verify(file);
      if (!received.name().equals(expected)) {
        throw new CorruptSnapshotException(file, "the received snapshot covers " + received.name() + " but the leader "
            + "announced " + expected);
      }
      channel.close();
      Path target = dir.resolve(expected.fileName());
      Durable.rename(file, target);
      finished = true;
      temps.release(file);
      return received.movedTo(target);
    } catch (IOException e) {
      throw new StorageException(file, "cannot install a received snapshot (" + e + "): check that the disk is not full", e);
    }
  }

  /** Abandons an unfinished transfer: the partial file was never trusted, so it is deleted. Idempotent. */
  @Override
  public void close() {
    if (finished) return;
    finished = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // the file is deleted next, or by the next retention pass
    }
    Durable.deleteQuietly(file);
    temps.release(file);
  }
}
