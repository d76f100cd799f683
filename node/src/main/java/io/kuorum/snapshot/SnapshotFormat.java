package io.kuorum.snapshot;

import io.kuorum.raft.ConfigurationEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The layout of a snapshot file, all numbers big-endian:
 *
 * <pre>
 *   magic "KUORSNAP" (8 bytes) | format version (int) | last included index (long) | its term (long)
 *   | configuration length (int) | configuration ({@link ConfigurationEntry#encode()})
 *   | payload (the state machine's own encoding, any length)
 *   | payload length (long) | CRC32C (int) of every byte before it
 * </pre>
 *
 * The lengths are redundant with the file size on purpose: a file cut short or appended to disagrees
 * with them even in the unlikely case that its checksum still matches.
 */
final class SnapshotFormat {

  static final byte[] MAGIC = "KUORSNAP".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** Magic, version, index, term, configuration length. */
  static final int FIXED_HEADER_BYTES = MAGIC.length + 4 + 8 + 8 + 4;
  /** Payload length and checksum. */
  static final int TRAILER_BYTES = 8 + 4;
  static final int CHECKSUM_BYTES = 4;
  /** An empty configuration and an empty payload. */
  static final int MIN_FILE_BYTES = FIXED_HEADER_BYTES + TRAILER_BYTES;
  /** Temporary files (of writes and of transfers in progress) end with this; nothing else in the directory does. */
  static final String TEMP_SUFFIX = ".tmp";

  private SnapshotFormat() {}

  static byte[] header(SnapshotMeta meta) {
    byte[] configuration = meta.configuration().encode();
    ByteBuffer b = ByteBuffer.allocate(FIXED_HEADER_BYTES + configuration.length);
    b.put(MAGIC).putInt(VERSION).putLong(meta.index()).putLong(meta.term()).putInt(configuration.length).put(configuration);
    return b.array();
  }

  static byte[] trailerLength(long payloadLength) {
    return ByteBuffer.allocate(8).putLong(payloadLength).array();
  }

  static byte[] checksum(int crc) {
    return ByteBuffer.allocate(CHECKSUM_BYTES).putInt(crc).array();
  }
}
