package io.kuorum.snapshot;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The payload of a verified snapshot, checksummed again while it is read. A file damaged after
 * verification (or a disk that returns different bytes the second time) is caught when the reader asks
 * for the end of the stream, before a state machine that reads to the end swaps in what it read.
 */
final class VerifyingPayloadStream extends InputStream {

  private static final int BUFFER = 1 << 16;

  private final SnapshotFile file;
  private final InputStream in;
  private final CRC32C crc = new CRC32C();
  private final int expected;
  private long remaining;
  private boolean checked;

  VerifyingPayloadStream(SnapshotFile file, FileChannel ch, long payloadOffset, long payloadLength, int expected)
      throws IOException {
    this.file = file;
    this.expected = expected;
    this.remaining = payloadLength;
    crc.update(SnapshotFile.readFully(ch, 0, Math.toIntExact(payloadOffset)));
    ch.position(payloadOffset);
    this.in = new BufferedInputStream(Channels.newInputStream(ch), BUFFER);
  }

  @Override
  public int read() throws IOException {
    if (remaining == 0) {
      checkAtEnd();
      return -1;
    }
    int b = in.read();
    if (b < 0) throw shrank();
    crc.update(b);
    remaining--;
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (remaining == 0) {
      checkAtEnd();
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) throw shrank();
    crc.update(b, off, n);
    remaining -= n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  @Override
  public void close() throws IOException {
    in.close(); // closes the channel
  }

  private void checkAtEnd() throws IOException {
    if (checked) return;
    checked = true;
    byte[] length = in.readNBytes(8);
    if (length.length != 8) throw shrank();
    crc.update(length);
    int computed = (int) crc.getValue();
    if (computed != expected) {
      throw new CorruptSnapshotException(file.path(), String.format("its checksum no longer matches (verified %08x, "
          + "read now %08x): the file changed or the disk returned different data since it was verified", expected, computed));
    }
  }

  private CorruptSnapshotException shrank() {
    return new CorruptSnapshotException(file.path(), "it became shorter while being read (was it replaced or truncated?)");
  }
}
