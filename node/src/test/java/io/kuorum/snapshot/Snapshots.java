package io.kuorum.snapshot;

import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

/** Test helpers: snapshot metadata, payloads and byte surgery on files. */
final class Snapshots {

  private Snapshots() {}

  static SnapshotMeta meta(long index, long term) {
    return new SnapshotMeta(index, term,
        new ConfigurationEntry(Configuration.of(Set.of(1L, 2L, 3L)), "addresses".getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] payload(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static SnapshotFile write(SnapshotDirectory dir, long index, long term, byte[] payload) {
    return dir.write(meta(index, term), out -> out.write(payload));
  }

  static byte[] payloadOf(SnapshotFile file) {
    byte[][] read = new byte[1][];
    file.readPayload(in -> read[0] = in.readAllBytes());
    return read[0];
  }

  static void flipByte(Path file, long at) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[Math.toIntExact(at)] ^= 0x01;
    Files.write(file, b);
  }

  static void truncate(Path file, long size) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, Math.toIntExact(size)));
  }
}
