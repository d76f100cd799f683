package io.kuorum.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.snapshot.SnapshotMeta;
import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * A verified snapshot file held open for a backup stream. The open channel is the reference that keeps
 * the bytes readable: retention may delete the file's name meanwhile (a newer snapshot supersedes it),
 * but on POSIX file systems an open file stays readable until it is closed, so a long backup never
 * races the node's own snapshots and never needs a copy. Reads are positional, so the holder keeps no
 * cursor; close it when the stream ends, however it ends.
 */
final class HeldSnapshot implements AutoCloseable {

  private final SnapshotMeta meta;
  private final long size;
  private final long keys;
  private final FileChannel channel;
  private final SnapshotFile file;

  private HeldSnapshot(SnapshotFile file, long keys, FileChannel channel) {
    this.file = file;
    this.meta = file.meta();
    this.size = file.size();
    this.keys = keys;
    this.channel = channel;
  }

  /** Opens {@code file} (call before anything may delete it) and reads its key count from the payload header. */
  static HeldSnapshot open(SnapshotFile file) {
    FileChannel ch;
    try {
      ch = FileChannel.open(file.path(), StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageException(file.path(), "cannot open the snapshot for a backup (" + e + ")", e);
    }
    try (InputStream payload = file.openPayload()) {
      return new HeldSnapshot(file, KvStateMachine.readHeader(payload).keys(), ch);
    } catch (IOException | RuntimeException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // the first error is the one to report
      }
      if (e instanceof StorageException s) throw s;
      throw new StorageException(file.path(), "cannot read the snapshot's header for a backup (" + e + ")", e);
    }
  }

  SnapshotMeta meta() {
    return meta;
  }

  /** Bytes of the whole file. */
  long size() {
    return size;
  }

  long keys() {
    return keys;
  }

  /** Up to {@code max} bytes of the file from {@code offset} (fewer only at its end). */
  ByteString read(long offset, int max) {
    int length = (int) Math.min(max, size - offset);
    ByteBuffer buf = ByteBuffer.allocate(length);
    try {
      while (buf.hasRemaining()) {
        if (channel.read(buf, offset + buf.position()) < 0) {
          throw new IOException("the file ended at " + (offset + buf.position()) + " of " + size + " bytes");
        }
      }
    } catch (IOException e) {
      throw new StorageException(file.path(), "cannot read the snapshot for a backup (" + e + ")", e);
    }
    return UnsafeByteOperations.unsafeWrap(buf.flip()); // a fresh buffer nobody else writes: no copy needed
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // only read from: nothing to lose
    }
  }
}
