package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.HardState;
import io.kuorum.snapshot.CorruptSnapshotException;
import io.kuorum.snapshot.SnapshotDirectory;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.snapshot.SnapshotMeta;
import io.kuorum.storage.LogStore;
import io.kuorum.storage.MirroredLogStore;
import io.kuorum.storage.StoreIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The offline restore: what it writes, and every input it refuses without leaving anything behind. */
class SnapshotRestoreTest {

  @TempDir Path dir;

  private static final List<Member> NEW = Member.parseList("4=127.0.0.1:9380/9379,5=127.0.0.1:9390/9389,6=127.0.0.1:9400/9399");

  /** A backup of an old cluster (members 1-3): 20 keys applied up to index 25, term 3. */
  private Path backup() throws IOException {
    KvStateMachine state = new KvStateMachine(KvLimits.DEFAULT);
    for (int i = 1; i <= 25; i++) {
      Command put = Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + (i % 20)))
          .setValue(ByteString.copyFromUtf8("v" + i))).build();
      state.apply(i, put.toByteArray());
    }
    SnapshotMeta meta = new SnapshotMeta(25, 3, new ConfigurationEntry(Configuration.of(Set.of(1L, 2L, 3L)),
        MemberDirectory.of(Member.parseList("1=10.0.0.1:7380,2=10.0.0.2:7380,3=10.0.0.3:7380")).encode()));
    SnapshotFile taken = SnapshotDirectory.open(dir.resolve("old")).write(meta, state::writeSnapshot);
    return Files.copy(taken.path(), dir.resolve("backup.snap"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void seedsTheSnapshotWithTheNewVotersTheLogAfterItAndTheMemberId() throws IOException {
    Path data = dir.resolve("data");
    SnapshotRestore.Result r = SnapshotRestore.restore(backup(), data, 5, NEW, "fresh");

    assertThat(r.keys()).isEqualTo(20);
    assertThat(Files.readString(data.resolve(MemberId.FILE)).trim()).isEqualTo("5");
    SnapshotFile seeded = SnapshotDirectory.open(data).latestValid().snapshot().orElseThrow();
    assertThat(seeded.meta().index()).isEqualTo(25);
    assertThat(seeded.meta().term()).isEqualTo(3);
    assertThat(seeded.meta().configuration().configuration()).isEqualTo(Configuration.of(Set.of(4L, 5L, 6L)));
    assertThat(MemberDirectory.decode(seeded.meta().configuration().context()).members())
        .as("no old address carries over").containsExactlyElementsOf(NEW);
    KvStateMachine loaded = new KvStateMachine(KvLimits.DEFAULT);
    seeded.readPayload(loaded::restore);
    assertThat(loaded.appliedIndex()).isEqualTo(25);
    try (LogStore store = MirroredLogStore.open(data, new StoreIdentity("fresh", 5))) {
      assertThat(store.hardState()).isEqualTo(new HardState(3, HardState.NONE, 25));
      assertThat(store.firstIndex()).isEqualTo(26);
      assertThat(store.lastIndex()).isEqualTo(25);
      assertThat(store.term(25)).isEqualTo(3);
    }
  }

  @Test
  void aMissingBackupIsNamed() {
    Path missing = dir.resolve("nope.snap");
    assertThatThrownBy(() -> SnapshotRestore.restore(missing, dir.resolve("data"), 4, NEW, "fresh"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aCorruptBackupIsNamedAndNothingIsWritten() throws IOException {
    Path file = backup();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(file, bytes);
    Path data = Files.createDirectories(dir.resolve("data"));
    assertThatThrownBy(() -> SnapshotRestore.restore(file, data, 4, NEW, "fresh"))
        .isInstanceOf(CorruptSnapshotException.class).hasMessageContaining(file.toString())
        .hasMessageContaining("checksum does not match");
    assertThat(data).isEmptyDirectory();
  }

  @Test
  void aDirectoryWithDataIsRefusedAndLeftAlone() throws IOException {
    Path data = dir.resolve("data");
    SnapshotRestore.restore(backup(), data, 4, NEW, "fresh");
    byte[] id = Files.readAllBytes(data.resolve(MemberId.FILE));
    assertThatThrownBy(() -> SnapshotRestore.restore(dir.resolve("backup.snap"), data, 4, NEW, "fresh"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds Kuorum data")
        .hasMessageContaining(MemberId.FILE);
    assertThat(Files.readAllBytes(data.resolve(MemberId.FILE))).isEqualTo(id);

    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> SnapshotRestore.restore(dir.resolve("backup.snap"), other, 4, NEW, "fresh"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty");
  }

  @Test
  void anIdOutsideTheMembersIsRefused() throws IOException {
    Path file = backup();
    assertThatThrownBy(() -> SnapshotRestore.restore(file, dir.resolve("data"), 1, NEW, "fresh"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--id 1 is not among --members [4,5,6]");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void theCommandLineReportsBadArgumentsWithExitTwoAndPrintsTheNextStep() throws IOException {
    Path file = backup();
    Run bad = run(file.toString(), "--data", dir.resolve("d1").toString(), "--id", "4", "--members", "4=nohost");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("kuorum restore:").contains("4=nohost");

    Run ok = run(file.toString(), "--data", dir.resolve("d4").toString(), "--id", "4", "--members",
        "4=127.0.0.1:9380/9379,5=127.0.0.1:9390/9389,6=127.0.0.1:9400/9399", "--cluster-id", "fresh");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("snapshot at index 25 (term 3), 20 keys")
        .contains("bin/kuorum restore " + file + " --data DIR --id 5")
        .contains("bin/kuorum server --data " + dir.resolve("d4") + " --id 4 --members 4=127.0.0.1:9380/9379,"
            + "5=127.0.0.1:9390/9389,6=127.0.0.1:9400/9399 --cluster-id fresh --listen-peer 127.0.0.1:9380"
            + " --listen-client 127.0.0.1:9379");

    Run corrupt = run(dir.resolve("missing.snap").toString(), "--data", dir.resolve("d5").toString(), "--id", "4",
        "--members", "4=127.0.0.1:9380");
    assertThat(corrupt.code()).isEqualTo(2);
    assertThat(corrupt.err()).contains("missing.snap does not exist");
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new RestoreMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
