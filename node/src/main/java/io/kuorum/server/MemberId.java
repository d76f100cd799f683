package io.kuorum.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.util.OptionalLong;

/**
 * A member's id lives with its data, in {@code DATA/member-id}: chosen by {@code --id} or generated on
 * first start, and never changed afterwards, so an id is never reused by a different member's data
 * (etcd-io/raft: reusing an id breaks safety). Generated ids stay below 2^53 so JSON readers keep them exact.
 */
final class MemberId {

  static final String FILE = "member-id";
  private static final long GENERATED_BOUND = 1L << 53;

  private MemberId() {}

  /**
   * The id of the member whose data is in {@code dataDir}: the stored one, else {@code requested}, else a
   * new random one. Nothing is written until {@link #persist} (after the store accepted the id).
   */
  static long resolve(Path dataDir, OptionalLong requested) {
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        long stored = parse(file, Files.readString(file, StandardCharsets.US_ASCII).trim());
        if (requested.isPresent() && requested.getAsLong() != stored) {
          throw new StartupException("the data in " + dataDir + " belongs to member " + stored + " but --id is "
              + requested.getAsLong() + ": drop --id, or point --data at member " + requested.getAsLong() + "'s data");
        }
        return stored;
      }
      return requested.isPresent() ? requested.getAsLong() : 1 + new SecureRandom().nextLong(GENERATED_BOUND - 1);
    } catch (IOException e) {
      throw new StartupException("cannot read or write the member id in " + file + ": " + e.getMessage()
          + " (check that the data directory is writable)", e);
    }
  }

  /** Records {@code id} as this data directory's member id, if it is not recorded yet. */
  static void persist(Path dataDir, long id) {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) return;
    try {
      write(dataDir, file, id);
    } catch (IOException e) {
      throw new StartupException("cannot write the member id to " + file + ": " + e.getMessage(), e);
    }
  }

  private static long parse(Path file, String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) return id;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new StartupException(file + " is corrupt: it holds '" + text + "', not a positive member id; restore it from"
        + " a backup or remove the whole data directory to start this member afresh under a new id");
  }

  /** Temp file, fsync, atomic rename, fsync of the directory: the id is either fully there or absent. */
  private static void write(Path dataDir, Path file, long id) throws IOException {
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot fsync a directory; the rename is still atomic
    }
  }
}
