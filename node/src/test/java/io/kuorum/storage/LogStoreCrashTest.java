package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under SIGKILL: a child JVM ({@link CrashWriter}) writes to the store and prints the last
 * index of each write once it returned; the test kills it mid-stream, reopens the store and checks that
 * every acknowledged entry is there, intact, in a contiguous log. Several rounds on one directory, each
 * in a new term that replaces some uncommitted entries of the round before. For the MapDB log alone and
 * for the node's store, the journal in front of it (with checkpoints every few dozen entries, so kills
 * land in journal writes, rotations and checkpoints alike).
 */
class LogStoreCrashTest {

  /** At least 5; raise it for a soak run with {@code -Dkuorum.crash.rounds=100}. */
  private static final int ROUNDS = Math.max(5, Integer.getInteger("kuorum.crash.rounds", 10));

  @TempDir Path tmp;

  private record Ack(long lastIndex, long term) {
    static Ack parse(String line) {
      String[] parts = line.split(" ");
      if (parts.length != 3 || !parts[0].equals("C")) throw new IllegalStateException("unexpected child output: " + line);
      return new Ack(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mirrored", "journaled"})
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hung child, not a performance bound
  void everyAcknowledgedWriteSurvivesSigkill(String kind) throws Exception {
    Path data = tmp.resolve("data");
    List<Entry> committedBefore = List.of();
    for (int round = 1; round <= ROUNDS; round++) {
      int killAfter = 3 + (round * 17) % 40; // vary where in the stream the kill lands
      List<Ack> acks = runAndKill(data, round, killAfter, kind);

      try (LogStore store = CrashWriter.open(kind, data)) {
        Ack lastAck = acks.get(acks.size() - 1);
        assertThat(store.lastIndex()).as("round %d: last index", round).isGreaterThanOrEqualTo(lastAck.lastIndex());
        assertThat(store.hardState().term()).isEqualTo(round);

        List<Entry> log = store.entries(store.firstIndex(), store.lastIndex());
        for (int i = 0; i < log.size(); i++) {
          Entry e = log.get(i);
          assertThat(e.index()).as("round %d: contiguous", round).isEqualTo(i + 1);
          assertThat(e.data()).as("round %d: entry %d intact", round, e.index()).isEqualTo(CrashWriter.payload(e.index(), e.term()));
        }
        for (Ack ack : acks) {
          assertThat(store.term(ack.lastIndex())).as("round %d: acknowledged entry %d", round, ack.lastIndex()).isEqualTo(round);
        }
        assertThat(log.subList(0, committedBefore.size())).as("round %d: committed entries never change", round)
            .containsExactlyElementsOf(committedBefore);
        committedBefore = List.copyOf(log.subList(0, (int) store.hardState().commit()));
      }
    }
    assertThat(committedBefore).hasSizeGreaterThan(ROUNDS * 3);
  }

  /** Starts a writer in a new JVM, reads its acknowledgements until {@code killAfter}, then SIGKILLs it. */
  private List<Ack> runAndKill(Path data, int round, int killAfter, String kind) throws IOException, InterruptedException {
    Path stderr = tmp.resolve("writer-" + round + ".err");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), data.toString(), String.valueOf(round), kind)
        .redirectError(stderr.toFile())
        .start();
    List<Ack> acks = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acks.size() < killAfter && (line = out.readLine()) != null) {
        acks.add(Ack.parse(line));
        if (acks.size() == 1) {
          // the live writer holds the directory: another process must not open it
          assertThatThrownBy(() -> CrashWriter.open(kind, data)).isInstanceOf(StorageException.class)
              .hasMessageContaining("in use by another process");
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor();
    }
    assertThat(acks).as("the writer died on its own: %s", Files.readString(stderr)).hasSize(killAfter);
    return acks;
  }
}
