package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The child process of {@link MapDbCrashTest}: opens the store, starts a new term by replacing a few
 * uncommitted entries, then appends batches of 1-50 entries until it is killed, printing
 * {@code C <last index> <term>} after each {@code write} returns (that is, once the write is durable).
 * Arguments: data directory, term, and the store: {@code mirrored} (the MapDB log alone) or {@code journaled}
 * (with the journal in front, checkpointing every few dozen entries so kills land in checkpoints too).
 */
public final class CrashWriter {

  static final StoreIdentity ID = new StoreIdentity("crash-test", 1);
  private static final int PAYLOAD_BYTES = 256;

  private CrashWriter() {}

  /** The payload written at (index, term): the parent checks every stored entry against it. */
  static byte[] payload(long index, long term) {
    byte[] pattern = ("index " + index + " term " + term + ";").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[PAYLOAD_BYTES];
    for (int i = 0; i < out.length; i++) out[i] = pattern[i % pattern.length];
    return out;
  }

  /** Small journal files and frequent checkpoints: a run of a few hundred entries rotates many times. */
  static final JournalLimits SMALL_JOURNAL = new JournalLimits(16 << 10, 4 << 10, 40);

  static LogStore open(String kind, Path dir) {
    return switch (kind) {
      case "mirrored" -> MirroredLogStore.open(dir, ID);
      case "journaled" -> JournaledLogStore.open(dir, ID, SMALL_JOURNAL);
      default -> throw new IllegalArgumentException("store kind " + kind);
    };
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long term = Long.parseLong(args[1]);
    Random random = new Random(term);
    try (LogStore store = open(args[2], dir)) {
      long commit = store.hardState().commit();
      long from = Math.max(commit + 1, store.lastIndex() - 2); // replaces up to three uncommitted entries
      while (true) {
        List<Entry> entries = new ArrayList<>();
        int count = 1 + random.nextInt(50);
        for (long i = from; i < from + count; i++) entries.add(Entry.command(i, term, payload(i, term)));
        long last = from + count - 1;
        commit = Math.max(commit, last - 10); // commit lags behind, so the next term has something to replace
        store.write(List.of(new LogWrite(Optional.of(new HardState(term, 1, commit)), entries)));
        System.out.println("C " + last + " " + term);
        System.out.flush();
        from = last + 1;
      }
    } catch (RuntimeException e) {
      System.err.println("crash writer failed: " + e + " " + Arrays.toString(e.getStackTrace()));
      System.exit(2);
    }
  }
}
