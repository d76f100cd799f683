package io.kuorum.storage;

import io.kuorum.raft.HardState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stored forms of the store's small records (format version, identity, hard state, compaction point,
 * segment table).
 * Each value is {@code body | CRC32C(key, body)}, so a damaged or misplaced record is detected.
 */
final class MetaCodec {

  static final String FORMAT = "format";
  static final String IDENTITY = "identity";
  static final String HARD_STATE = "hardState";
  static final String COMPACTED = "compacted";
  static final String SEGMENTS = "segments";

  private MetaCodec() {}

  static byte[] format(int version) {
    return seal(FORMAT, ByteBuffer.allocate(Integer.BYTES).putInt(version).array());
  }

  static int format(byte[] sealed) {
    return fixed(FORMAT, sealed, Integer.BYTES).getInt();
  }

  static byte[] identity(StoreIdentity id) {
    byte[] cluster = id.clusterId().getBytes(StandardCharsets.UTF_8);
    return seal(IDENTITY, ByteBuffer.allocate(Long.BYTES + cluster.length).putLong(id.memberId()).put(cluster).array());
  }

  static StoreIdentity identity(byte[] sealed) {
    ByteBuffer body = ByteBuffer.wrap(unseal(IDENTITY, sealed));
    if (body.remaining() <= Long.BYTES) throw new CorruptRecordException("identity record is too short");
    long member = body.getLong();
    String cluster = StandardCharsets.UTF_8.decode(body).toString();
    try {
      return new StoreIdentity(cluster, member);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("identity record is invalid: " + e.getMessage());
    }
  }

  static byte[] hardState(HardState hs) {
    return seal(HARD_STATE, ByteBuffer.allocate(3 * Long.BYTES).putLong(hs.term()).putLong(hs.votedFor()).putLong(hs.commit()).array());
  }

  static HardState hardState(byte[] sealed) {
    ByteBuffer b = fixed(HARD_STATE, sealed, 3 * Long.BYTES);
    try {
      return new HardState(b.getLong(), b.getLong(), b.getLong());
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("hard state record is invalid: " + e.getMessage());
    }
  }

  static byte[] compaction(CompactionPoint p) {
    return seal(COMPACTED, ByteBuffer.allocate(2 * Long.BYTES).putLong(p.index()).putLong(p.term()).array());
  }

  static CompactionPoint compaction(byte[] sealed) {
    ByteBuffer b = fixed(COMPACTED, sealed, 2 * Long.BYTES);
    try {
      return new CompactionPoint(b.getLong(), b.getLong());
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("compaction record is invalid: " + e.getMessage());
    }
  }

  static byte[] segments(SegmentTable t) {
    ByteBuffer b = ByteBuffer.allocate(3 * Long.BYTES + t.sealed().size() * 3 * Long.BYTES);
    b.putLong(t.headSeq()).putLong(t.headFirst()).putLong(t.sealed().size());
    for (SegmentTable.Sealed s : t.sealed()) b.putLong(s.seq()).putLong(s.first()).putLong(s.last());
    return seal(SEGMENTS, b.array());
  }

  static SegmentTable segments(byte[] sealed) {
    byte[] body = unseal(SEGMENTS, sealed);
    if (body.length < 3 * Long.BYTES || (body.length - 3 * Long.BYTES) % (3 * Long.BYTES) != 0) {
      throw new CorruptRecordException(SEGMENTS + " record has " + body.length + " bytes, not 24 + 24 per sealed segment");
    }
    ByteBuffer b = ByteBuffer.wrap(body);
    long headSeq = b.getLong();
    long headFirst = b.getLong();
    long count = b.getLong();
    if (count != (body.length - 3 * Long.BYTES) / (3 * Long.BYTES)) {
      throw new CorruptRecordException(SEGMENTS + " record counts " + count + " sealed segments but holds a different number");
    }
    List<SegmentTable.Sealed> list = new ArrayList<>();
    try {
      for (long i = 0; i < count; i++) list.add(new SegmentTable.Sealed(b.getLong(), b.getLong(), b.getLong()));
      return new SegmentTable(headSeq, headFirst, list);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("segment table record is invalid: " + e.getMessage());
    }
  }

  private static ByteBuffer fixed(String key, byte[] sealed, int size) {
    byte[] body = unseal(key, sealed);
    if (body.length != size) throw new CorruptRecordException(key + " record has " + body.length + " bytes, expected " + size);
    return ByteBuffer.wrap(body);
  }

  private static byte[] seal(String key, byte[] body) {
    byte[] out = Arrays.copyOf(body, body.length + 4);
    Checksums.writeInt(out, body.length, Checksums.crc32c(salt(key), body, 0, body.length));
    return out;
  }

  private static byte[] unseal(String key, byte[] sealed) {
    if (sealed.length < 4) throw new CorruptRecordException(key + " record is truncated");
    int n = sealed.length - 4;
    if (Checksums.crc32c(salt(key), sealed, 0, n) != Checksums.readInt(sealed, n)) {
      throw new CorruptRecordException(key + " record fails its checksum");
    }
    return Arrays.copyOf(sealed, n);
  }

  private static byte[] salt(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
