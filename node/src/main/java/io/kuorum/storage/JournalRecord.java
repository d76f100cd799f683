package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bytes of one journal record: the net effect of one group commit ({@link WritePlan}), that is an
 * optional hard state and the entries that replace everything from the first of them on.
 * {@code flags (1) | [term, vote, commit (8 each)] | count (4) | [first index (8) | (length (4) | entry)*]},
 * each entry in its {@link EntryCodec} form, so it carries its own checksum as in the MapDB log.
 */
final class JournalRecord {

  private static final byte HAS_HARD_STATE = 1;

  private JournalRecord() {}

  static byte[] encode(WritePlan plan) {
    List<byte[]> entries = new ArrayList<>(plan.append().size());
    int size = 1 + (plan.hardState().isPresent() ? 3 * Long.BYTES : 0) + Integer.BYTES;
    for (Entry e : plan.append()) {
      byte[] encoded = EntryCodec.encode(e);
      entries.add(encoded);
      size += Integer.BYTES + encoded.length;
    }
    if (!entries.isEmpty()) size += Long.BYTES;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(plan.hardState().isPresent() ? HAS_HARD_STATE : 0);
    plan.hardState().ifPresent(hs -> b.putLong(hs.term()).putLong(hs.votedFor()).putLong(hs.commit()));
    b.putInt(entries.size());
    if (!entries.isEmpty()) b.putLong(plan.replaceFrom());
    for (byte[] e : entries) b.putInt(e.length).put(e);
    return b.array();
  }

  /** The plan in {@code bytes}; {@link CorruptRecordException} if they are not a well-formed record. */
  static WritePlan decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      byte flags = b.get();
      if ((flags & ~HAS_HARD_STATE) != 0) throw new CorruptRecordException("journal record has unknown flags " + flags);
      Optional<HardState> hs = (flags & HAS_HARD_STATE) != 0
          ? Optional.of(new HardState(b.getLong(), b.getLong(), b.getLong())) : Optional.empty();
      int count = b.getInt();
      if (count < 0 || count > b.remaining()) throw new CorruptRecordException("journal record claims " + count + " entries");
      List<Entry> entries = new ArrayList<>(count);
      long first = count > 0 ? b.getLong() : 0;
      for (int i = 0; i < count; i++) {
        int length = b.getInt();
        if (length <= 0 || length > b.remaining()) throw new CorruptRecordException("journal record entry " + i + " is malformed");
        byte[] e = new byte[length];
        b.get(e);
        entries.add(EntryCodec.decode(first + i, e));
      }
      if (b.hasRemaining()) throw new CorruptRecordException("journal record has " + b.remaining() + " bytes after its entries");
      return new WritePlan(count > 0 ? first : 0, List.copyOf(entries), hs);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptRecordException("journal record is truncated or malformed: " + e);
    }
  }
}
