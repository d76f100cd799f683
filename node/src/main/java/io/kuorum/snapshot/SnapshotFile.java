package io.kuorum.snapshot;

import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One snapshot file whose checksum and structure have been verified (see {@link SnapshotFormat} for
 * the layout). Instances exist only for verified files: {@link #verify(Path)} reads the whole file
 * before returning one, and the writer builds one only after the file is durable under its final name.
 * Immutable; the file is never changed once in place, so any thread may read it.
 */
public final class SnapshotFile {

  private static final int CHUNK = 1 << 16;

  private final Path path;
  private final SnapshotMeta meta;
  private final long payloadOffset;
  private final long payloadLength;
  private final int checksum;

  SnapshotFile(Path path, SnapshotMeta meta, long payloadOffset, long payloadLength, int checksum) {
    this.path = path;
    this.meta = meta;
    this.payloadOffset = payloadOffset;
    this.payloadLength = payloadLength;
    this.checksum = checksum;
  }

  /**
   * Reads the whole file and checks it: magic, format version, checksum, lengths, the configuration,
   * and (for a file with a snapshot name) that the header matches the name.
   *
   * @throws CorruptSnapshotException if the file cannot be trusted; it is left untouched
   * @throws StorageException if the file cannot be read at all (missing, permissions, I/O error)
   */
  public static SnapshotFile verify(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < SnapshotFormat.MIN_FILE_BYTES) {
        throw new CorruptSnapshotException(file, "it is truncated: " + size + " bytes, fewer than the "
            + SnapshotFormat.MIN_FILE_BYTES + " of the smallest snapshot");
      }
      ByteBuffer fixed = readFully(ch, 0, SnapshotFormat.FIXED_HEADER_BYTES);
      byte[] magic = new byte[SnapshotFormat.MAGIC.length];
      fixed.get(magic);
      if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
        throw new CorruptSnapshotException(file, "it is not a Kuorum snapshot (it does not start with \"KUORSNAP\")");
      }
      int version = fixed.getInt();
      if (version != SnapshotFormat.VERSION) {
        // checked before the checksum: another format version may place its checksum elsewhere
        throw new CorruptSnapshotException(file, "it has snapshot format version " + version + " but this Kuorum reads "
            + "version " + SnapshotFormat.VERSION + " only (written by another Kuorum version, or damaged)");
      }
      // The checksum first: if any byte is damaged, no length or field read from the file can be trusted.
      long covered = size - SnapshotFormat.CHECKSUM_BYTES;
      int computed = crc32c(ch, covered);
      int stored = readFully(ch, covered, SnapshotFormat.CHECKSUM_BYTES).getInt();
      if (computed != stored) {
        throw new CorruptSnapshotException(file, String.format("its checksum does not match (stored %08x, computed %08x "
            + "over %d bytes): the file is damaged or truncated", stored, computed, covered));
      }
      long index = fixed.getLong();
      long term = fixed.getLong();
      int configurationLength = fixed.getInt();
      if (configurationLength < 0 || configurationLength > size - SnapshotFormat.MIN_FILE_BYTES) {
        throw new CorruptSnapshotException(file, "its configuration length " + configurationLength + " does not fit in a "
            + size + "-byte file");
      }
      long payloadOffset = SnapshotFormat.FIXED_HEADER_BYTES + (long) configurationLength;
      long payloadLength = size - SnapshotFormat.TRAILER_BYTES - payloadOffset;
      long recordedLength = readFully(ch, size - SnapshotFormat.TRAILER_BYTES, 8).getLong();
      if (recordedLength != payloadLength) {
        throw new CorruptSnapshotException(file, "its trailer records a " + recordedLength + "-byte payload but the file "
            + "holds " + payloadLength + " bytes of payload");
      }
      if (index < 1 || term < 1) {
        throw new CorruptSnapshotException(file, "its header names entry " + index + "@" + term + ", which no snapshot covers");
      }
      ConfigurationEntry configuration;
      try {
        configuration = ConfigurationEntry.decode(readFully(ch, SnapshotFormat.FIXED_HEADER_BYTES, configurationLength).array());
      } catch (IllegalArgumentException e) {
        throw new CorruptSnapshotException(file, "its configuration cannot be decoded (" + e.getMessage() + ")", e);
      }
      SnapshotMeta meta = new SnapshotMeta(index, term, configuration);
      Optional<SnapshotName> named = SnapshotName.parse(String.valueOf(file.getFileName()));
      if (named.isPresent() && !named.get().equals(meta.name())) {
        throw new CorruptSnapshotException(file, "its header says it covers " + meta.name() + " but its name says "
            + named.get() + " (was it renamed?)");
      }
      return new SnapshotFile(file, meta, payloadOffset, payloadLength, stored);
    } catch (NoSuchFileException e) {
      throw new StorageException(file, "the snapshot file does not exist (was it removed while the node runs?)", e);
    } catch (IOException e) {
      throw new StorageException(file, "cannot read the snapshot (" + e + "): check the disk and the file's permissions", e);
    }
  }

  public Path path() {
    return path;
  }

  public SnapshotMeta meta() {
    return meta;
  }

  public SnapshotName name() {
    return meta.name();
  }

  /** Bytes of the state machine's payload. */
  public long payloadLength() {
    return payloadLength;
  }

  /** Bytes of the whole file, as a transfer to a follower sends them. */
  public long size() {
    return payloadOffset + payloadLength + SnapshotFormat.TRAILER_BYTES;
  }

  /**
   * Streams the payload. The stream checks the file's checksum again as it is read, and at the end of
   * the payload throws {@link CorruptSnapshotException} if the file changed since it was verified, so
   * a reader that reads to the end never accepts damaged state. The caller closes the stream.
   */
  public InputStream openPayload() {
    FileChannel ch = open();
    try {
      return new VerifyingPayloadStream(this, ch, payloadOffset, payloadLength, checksum);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e instanceof StorageException s ? s : new StorageException(path, "cannot read the snapshot (" + e + ")", e);
    }
  }

  /**
   * Hands the payload to {@code reader} and reports any failure with this file's name: malformed
   * content (an {@link IllegalArgumentException} from the reader) and a payload the reader did not
   * read to its end become {@link CorruptSnapshotException}, I/O errors {@link StorageException}.
   */
  public void readPayload(PayloadReader reader) {
    try (InputStream in = openPayload()) {
      reader.readFrom(in);
      if (in.read() != -1) {
        throw new CorruptSnapshotException(path, "its payload has bytes after the end of the state");
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptSnapshotException(path, "its payload cannot be read (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new StorageException(path, "cannot read the snapshot (" + e + "): check the disk", e);
    }
  }

  /**
   * The raw file from {@code offset} on, for sending to a follower (which verifies what it receives);
   * a transfer resumed after a broken connection starts at the offset the follower asks for.
   */
  public InputStream openFile(long offset) {
    if (offset < 0 || offset > size()) throw new IllegalArgumentException("offset " + offset + " is outside the " + size() + "-byte file " + path);
    FileChannel ch = open();
    try {
      ch.position(offset);
      return Channels.newInputStream(ch);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StorageException(path, "cannot read the snapshot (" + e + ")", e);
    }
  }

  /** The same verified file under another name, after an atomic rename. */
  SnapshotFile movedTo(Path target) {
    return new SnapshotFile(target, meta, payloadOffset, payloadLength, checksum);
  }

  private FileChannel open() {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageException(path, "cannot open the snapshot (" + e + "): was it removed or its permissions changed?", e);
    }
  }

  private static int crc32c(FileChannel ch, long length) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
    long at = 0;
    while (at < length) {
      buf.clear().limit((int) Math.min(CHUNK, length - at));
      int n = ch.read(buf, at);
      if (n < 0) throw new IOException("file shrank while being read");
      buf.flip();
      crc.update(buf);
      at += n;
    }
    return (int) crc.getValue();
  }

  static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) throw new IOException("file shrank while being read");
    }
    return buf.flip();
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // only read from; the first error is the one to report
    }
  }

  @Override
  public String toString() {
    return "SnapshotFile[" + path + ", " + meta.name() + ", payload " + payloadLength + "B]";
  }
}
