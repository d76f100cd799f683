package io.kuorum.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file of the {@link Journal}: a header naming the epoch whose records it holds and whether they
 * still count (active) or are all in the MapDB store (free), then records written one after another,
 * each synced before its write is acknowledged.
 *
 * <p>The file is zero-filled to its full size when created, so a sync only has to flush data, never the
 * file's size or block map: one {@code fdatasync} per group commit. Reusing the file for a new epoch
 * rewrites only the header; records of older epochs left behind end the scan, because every record
 * names its epoch. A freed file keeps its epoch in the header, so the journal never starts an epoch
 * with a number that records left in either file could carry.
 *
 * <p>Header ({@value #HEADER_BYTES} bytes, one sector, written in one write): {@code magic (8) | epoch (8) |
 * state (8: 1 active, 2 free) | CRC32C of epoch and state (4)}; all zeros in a file never used. Record: {@code length (4) | CRC32C of epoch and payload (4) | epoch (8) |
 * payload}, padded with zeros to a multiple of 8 bytes. Not thread-safe.
 */
final class JournalFile implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JournalFile.class);

  static final int HEADER_BYTES = 512;
  static final int RECORD_HEADER_BYTES = 16;
  private static final byte[] MAGIC = "KRNLJRN1".getBytes(StandardCharsets.US_ASCII);

  private static final long ACTIVE = 1;
  private static final long FREE = 2;

  /** What a scan of the file found: its epoch (0: never used), whether active, and the records of an active one. */
  record Contents(long epoch, boolean active, List<byte[]> records) {}

  private final Path path;
  private final FileChannel channel;
  private long epoch;
  private boolean active;
  private long end = HEADER_BYTES;

  private JournalFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Opens {@code path}, creating it zero-filled to {@code bytes} (and syncing its directory) if missing. */
  static JournalFile open(Path path, long bytes) {
    try {
      if (!Files.exists(path)) create(path, bytes);
      return new JournalFile(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new StorageException(path, "cannot open the journal file (" + e + "): check the disk and permissions", e);
    }
  }

  private static void create(Path path, long bytes) throws IOException {
    Path temp = path.resolveSibling(path.getFileName() + ".creating");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
      for (long at = 0; at < bytes; at += zeros.capacity()) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
        while (zeros.hasRemaining()) ch.write(zeros, at + zeros.position());
      }
      ch.force(true);
    }
    Files.move(temp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    StoreFile.syncDirectory(path.getParent());
  }

  Path path() {
    return path;
  }

  long epoch() {
    return epoch;
  }

  /** True while the file's epoch holds records the store may lack. */
  boolean isActive() {
    return active;
  }

  /** Bytes of records written in the current epoch. */
  long recordBytes() {
    return end - HEADER_BYTES;
  }

  /**
   * Reads the header and every record of the file's epoch. The scan ends at a zeroed record header or
   * one of another epoch (left from an earlier use). A record of this epoch that is cut short or fails
   * its checksum ends it too, with a warning, if nothing valid follows: that is a write a stop cut short,
   * never synced, so never acknowledged. If a valid record follows it, the file is corrupt.
   */
  Contents scan() {
    byte[] file;
    try {
      long size = channel.size();
      if (size < HEADER_BYTES || size > Integer.MAX_VALUE - 8) {
        throw new CorruptStoreException(path, "the journal file has an impossible size of " + size + " bytes", null);
      }
      ByteBuffer all = ByteBuffer.allocate((int) size);
      readFully(all, 0);
      file = all.array();
    } catch (IOException e) {
      throw new StorageException(path, "cannot read the journal (" + e + ")", e);
    }
    readHeader(Arrays.copyOf(file, HEADER_BYTES));
    List<byte[]> records = new ArrayList<>();
    int at = HEADER_BYTES;
    if (active) {
      while (true) {
        byte[] payload = record(file, at);
        if (payload == null) break;
        if (payload == TORN) {
          int next = nextValidRecord(file, at);
          if (next >= 0) {
            throw new CorruptStoreException(path, "the journal record at offset " + at + " is damaged, yet a valid "
                + "record follows it at offset " + next + "; the journal cannot be trusted: restore this member from a "
                + "backup or re-add it under a new id", null);
          }
          log.warn("journal {} ends with an incomplete record at offset {} (a write cut short when the process "
              + "stopped; never synced, so never acknowledged); ignoring it", path, at);
          break;
        }
        records.add(payload);
        at += (int) padded(payload.length);
      }
    }
    end = at;
    return new Contents(epoch, active, records);
  }

  private static final byte[] TORN = new byte[0];

  /** The payload of the record at {@code at}; null at the end of the epoch's records; {@link #TORN} if damaged. */
  private byte[] record(byte[] file, int at) {
    if (at + RECORD_HEADER_BYTES > file.length) return null;
    ByteBuffer h = ByteBuffer.wrap(file, at, RECORD_HEADER_BYTES);
    int length = h.getInt();
    int crc = h.getInt();
    long recordEpoch = h.getLong();
    if (length == 0 && crc == 0 && recordEpoch == 0) return null;
    if (recordEpoch != epoch) return null; // left from an earlier epoch
    if (length <= 0 || (long) at + RECORD_HEADER_BYTES + length > file.length) return TORN;
    int from = at + RECORD_HEADER_BYTES;
    if (Checksums.crc32c(Checksums.saltOf(epoch), file, from, length) != crc) return TORN;
    return Arrays.copyOfRange(file, from, from + length);
  }

  /** The offset of a valid record of this epoch after a damaged one at {@code at}, or -1. */
  private int nextValidRecord(byte[] file, int at) {
    // the damaged record's length cannot be trusted: try every 8-byte step after it
    for (int next = at + 8; next + RECORD_HEADER_BYTES <= file.length; next += 8) {
      byte[] payload = record(file, next);
      if (payload != null && payload != TORN) return next;
    }
    return -1;
  }

  private void readHeader(byte[] h) {
    if (allZero(h)) {
      epoch = 0;
      active = false;
      return;
    }
    int body = MAGIC.length + 2 * Long.BYTES;
    if (!Arrays.equals(Arrays.copyOf(h, MAGIC.length), MAGIC)
        || Checksums.crc32c(MAGIC, h, MAGIC.length, 2 * Long.BYTES) != Checksums.readInt(h, body)) {
      throw new CorruptStoreException(path, "the journal header is damaged (wrong magic or checksum); the journal "
          + "cannot be trusted: restore this member from a backup or re-add it under a new id", null);
    }
    ByteBuffer b = ByteBuffer.wrap(h, MAGIC.length, 2 * Long.BYTES);
    long e = b.getLong();
    long state = b.getLong();
    if (e <= 0 || (state != ACTIVE && state != FREE)) {
      throw new CorruptStoreException(path, "the journal header names epoch " + e + " in state " + state, null);
    }
    epoch = e;
    active = state == ACTIVE;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) if (x != 0) return false;
    return true;
  }

  /** Starts {@code newEpoch} in this file, durably; the records it held no longer count. */
  void start(long newEpoch) {
    if (newEpoch <= epoch) throw new IllegalArgumentException("epoch " + newEpoch + " is not after " + epoch);
    writeHeader(newEpoch, ACTIVE);
    end = HEADER_BYTES;
  }

  /** Marks the file free, durably: the store holds its epoch. The epoch stays named in the header. */
  void free() {
    if (epoch == 0 || !active) return;
    writeHeader(epoch, FREE);
  }

  private void writeHeader(long newEpoch, long state) {
    byte[] h = new byte[HEADER_BYTES];
    System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
    ByteBuffer.wrap(h, MAGIC.length, 2 * Long.BYTES).putLong(newEpoch).putLong(state);
    Checksums.writeInt(h, MAGIC.length + 2 * Long.BYTES, Checksums.crc32c(MAGIC, h, MAGIC.length, 2 * Long.BYTES));
    try {
      writeFully(ByteBuffer.wrap(h), 0);
      channel.force(false);
    } catch (IOException e) {
      throw new StorageException(path, "cannot write the journal header (" + e + "); the node must stop", e);
    }
    epoch = newEpoch;
    active = state == ACTIVE;
  }

  /** Appends one record of the current epoch and syncs it: when this returns, the record survives a crash. */
  void append(byte[] payload) {
    if (!active) throw new IllegalStateException(path + " has no active epoch to append to");
    ByteBuffer b = ByteBuffer.allocate((int) padded(payload.length));
    b.putInt(payload.length).putInt(Checksums.crc32c(Checksums.saltOf(epoch), payload, 0, payload.length))
        .putLong(epoch).put(payload).position(0);
    try {
      writeFully(b, end);
      channel.force(false);
    } catch (IOException e) {
      throw new StorageException(path, "writing the journal failed (" + e + "); the write may or may not be durable, "
          + "so the node must stop and restart", e);
    }
    end += b.capacity();
  }

  /** A record's size in the file: records start at multiples of 8, so a scan can look for the next one. */
  static long padded(int payloadBytes) {
    return (RECORD_HEADER_BYTES + payloadBytes + 7L) & ~7L;
  }

  private void readFully(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b, at + b.position()) < 0) throw new IOException("unexpected end of file at " + (at + b.position()));
    }
  }

  private void writeFully(ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) pos += channel.write(b, pos);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      log.warn("closing journal {} failed: {}", path, e.toString());
    }
  }
}
