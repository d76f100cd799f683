package io.kuorum.snapshot;

import io.kuorum.storage.StorageException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes one snapshot file: streamed through a buffer into a temporary file in the snapshots directory
 * (the state is never held in memory as one piece), checksummed on the way, fsynced, atomically renamed
 * to its final name, and the directory fsynced. A file with a snapshot name is therefore always
 * complete; a crash leaves at most a temporary file, which nothing ever reads.
 */
final class SnapshotWriter {

  private static final int BUFFER = 1 << 16;

  private SnapshotWriter() {}

  static SnapshotFile write(Path dir, TempFiles temps, SnapshotMeta meta, PayloadWriter payload) {
    Path target = dir.resolve(meta.name().fileName());
    Path temp = temps.reserve(dir, meta.name().fileName());
    boolean renamed = false;
    try {
      byte[] header = SnapshotFormat.header(meta);
      long payloadLength;
      int checksum;
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        CRC32C crc = new CRC32C();
        // the checksum is taken below the buffer, so it sees large writes rather than every small one
        BufferedOutputStream out = new BufferedOutputStream(new CheckedOutputStream(Channels.newOutputStream(ch), crc), BUFFER);
        out.write(header);
        CountingStream counted = new CountingStream(out);
        payload.writeTo(counted);
        payloadLength = counted.count;
        out.write(SnapshotFormat.trailerLength(payloadLength));
        out.flush();
        checksum = (int) crc.getValue();
        out.write(SnapshotFormat.checksum(checksum));
        out.flush();
        ch.force(true);
      }
      Durable.rename(temp, target);
      renamed = true;
      return new SnapshotFile(target, meta, header.length, payloadLength, checksum);
    } catch (IOException e) {
      throw new StorageException(target, "cannot write the snapshot (" + e + "): check that the disk is not full and the "
          + "snapshots directory is writable", e);
    } finally {
      // an unfinished temporary file was never renamed into place, so nothing trusts it: removing it is safe
      if (!renamed) Durable.deleteQuietly(temp);
      temps.release(temp);
    }
  }

  /** Counts the payload's bytes and ignores close(): the payload writer must not close the file under us. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
