package io.kuorum.storage;

import io.kuorum.raft.Entry;
import java.util.Arrays;

/**
 * The stored form of one log entry: {@code type (1 byte) | term (unsigned LEB128) | data | CRC32C (4 bytes)}.
 * The index is the map key, not part of the value, but it salts the checksum so an entry found under
 * the wrong key is reported as corrupt. About 6 bytes of overhead per entry.
 */
final class EntryCodec {

  private static final int CRC_BYTES = 4;
  private static final int MAX_VARLONG_BYTES = 10;

  private EntryCodec() {}

  static byte[] encode(Entry e) {
    byte[] data = e.data();
    byte[] out = new byte[1 + varLongSize(e.term()) + data.length + CRC_BYTES];
    out[0] = typeCode(e.type());
    int at = writeVarLong(out, 1, e.term());
    System.arraycopy(data, 0, out, at, data.length);
    at += data.length;
    Checksums.writeInt(out, at, Checksums.crc32c(Checksums.saltOf(e.index()), out, 0, at));
    return out;
  }

  static Entry decode(long index, byte[] value) {
    int dataStart = verify(index, value);
    long term = readVarLong(value, 1);
    byte[] data = Arrays.copyOfRange(value, dataStart, value.length - CRC_BYTES);
    return new Entry(index, term, type(index, value[0]), data);
  }

  /** Checks the stored entry at {@code index} and returns its term, without copying its data. */
  static long verifiedTerm(long index, byte[] value) {
    verify(index, value);
    type(index, value[0]);
    return readVarLong(value, 1);
  }

  /** Returns where the data starts; throws if the checksum or the framing is wrong. */
  private static int verify(long index, byte[] value) {
    if (value.length < 1 + 1 + CRC_BYTES) throw new CorruptRecordException("entry " + index + " is truncated (" + value.length + " bytes)");
    int body = value.length - CRC_BYTES;
    int stored = Checksums.readInt(value, body);
    if (Checksums.crc32c(Checksums.saltOf(index), value, 0, body) != stored) {
      throw new CorruptRecordException("entry " + index + " fails its checksum");
    }
    int dataStart = 1 + varLongLength(value, 1, body);
    long term = readVarLong(value, 1);
    if (term < 1) throw new CorruptRecordException("entry " + index + " has term " + term);
    return dataStart;
  }

  private static byte typeCode(Entry.Type type) {
    // explicit codes, not ordinals: adding a type must not change what stored bytes mean
    return switch (type) {
      case NOOP -> 0;
      case COMMAND -> 1;
      case CONFIG -> 2;
    };
  }

  private static Entry.Type type(long index, byte code) {
    return switch (code) {
      case 0 -> Entry.Type.NOOP;
      case 1 -> Entry.Type.COMMAND;
      case 2 -> Entry.Type.CONFIG;
      default -> throw new CorruptRecordException("entry " + index + " has unknown type code " + code
          + " (written by a newer Kuorum version?)");
    };
  }

  static int varLongSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) n++;
    return n;
  }

  private static int writeVarLong(byte[] out, int at, long v) {
    while ((v & ~0x7fL) != 0) {
      out[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    return at;
  }

  private static int varLongLength(byte[] b, int at, int end) {
    for (int i = 0; i < MAX_VARLONG_BYTES && at + i < end; i++) {
      if ((b[at + i] & 0x80) == 0) return i + 1;
    }
    throw new CorruptRecordException("malformed term encoding");
  }

  private static long readVarLong(byte[] b, int at) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[at++];
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) return v;
    }
  }
}
