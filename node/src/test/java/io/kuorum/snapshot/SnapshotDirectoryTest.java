package io.kuorum.snapshot;

import static io.kuorum.snapshot.Snapshots.flipByte;
import static io.kuorum.snapshot.Snapshots.payload;
import static io.kuorum.snapshot.Snapshots.payloadOf;
import static io.kuorum.snapshot.Snapshots.truncate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotDirectoryTest {

  @TempDir Path data;
  private SnapshotDirectory dir;

  @BeforeEach
  void open() {
    dir = SnapshotDirectory.open(data);
  }

  private SnapshotFile write(long index) {
    return Snapshots.write(dir, index, 1 + index / 10, payload(2000, index));
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> files = Files.list(dir.path())) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void listsSnapshotsNewestFirstAndIgnoresOtherFiles() throws IOException {
    write(5);
    write(120);
    write(17);
    Files.writeString(dir.path().resolve("README"), "not a snapshot");
    Files.writeString(dir.path().resolve("snap-5-1.snap"), "not a canonical name");
    assertThat(dir.list()).containsExactly(new SnapshotName(120, 13), new SnapshotName(17, 2), new SnapshotName(5, 1));
    assertThat(dir.latestValid().snapshot()).get().extracting(SnapshotFile::name).isEqualTo(new SnapshotName(120, 13));
  }

  @Test
  void anEmptyDirectoryHasNoSnapshot() {
    LatestSnapshot latest = dir.latestValid();
    assertThat(latest.snapshot()).isEmpty();
    assertThat(latest.skipped()).isEmpty();
    assertThat(latest.summary()).isEqualTo("no snapshot");
  }

  @Test
  void latestValidFallsBackToAnOlderSnapshotAndReportsEveryNewerCorruptOne() throws IOException {
    SnapshotFile oldest = write(10);
    SnapshotFile older = write(20);
    SnapshotFile damaged = write(30);
    SnapshotFile cut = write(40);
    flipByte(damaged.path(), 1000);
    truncate(cut.path(), cut.size() - 1);
    byte[] damagedBytes = Files.readAllBytes(damaged.path());

    LatestSnapshot latest = dir.latestValid();

    assertThat(latest.snapshot()).get().extracting(SnapshotFile::path).isEqualTo(older.path());
    assertThat(latest.skipped()).extracting(SnapshotProblem::file).containsExactly(cut.path(), damaged.path());
    assertThat(latest.skipped()).allSatisfy(p -> assertThat(p.reason()).contains("checksum does not match"));
    assertThat(latest.summary())
        .startsWith("snapshot " + cut.path() + " is corrupt (its checksum does not match")
        .contains("snapshot " + damaged.path() + " is corrupt (")
        .endsWith("; using older snapshot " + older.path());
    assertThat(payloadOf(latest.snapshot().get())).isEqualTo(payload(2000, 20));
    assertThat(Files.readAllBytes(damaged.path())).as("left untouched").isEqualTo(damagedBytes);
    assertThat(oldest.path()).exists();
  }

  @Test
  void whenEverySnapshotIsCorruptThereIsNoneAndTheSummarySaysSo() throws IOException {
    SnapshotFile only = write(10);
    flipByte(only.path(), 3);
    LatestSnapshot latest = dir.latestValid();
    assertThat(latest.snapshot()).isEmpty();
    assertThat(latest.skipped()).hasSize(1);
    assertThat(latest.summary()).contains("is corrupt (it is not a Kuorum snapshot").endsWith("; no older valid snapshot");
    assertThat(only.path()).exists();
  }

  @Test
  void retentionKeepsTheNewestValidSnapshotsAndDeletesOlderOnes() throws IOException {
    for (long i = 1; i <= 5; i++) write(i * 10);
    RetentionResult result = dir.retain();
    assertThat(result.kept()).extracting(f -> f.name().index()).containsExactly(50L, 40L);
    assertThat(result.deleted()).hasSize(3);
    assertThat(result.corrupt()).isEmpty();
    assertThat(dir.list()).extracting(SnapshotName::index).containsExactly(50L, 40L);

    assertThat(dir.retain(1).deleted()).extracting(p -> p.getFileName().toString())
        .containsExactly(new SnapshotName(40, 5).fileName());
    assertThat(dir.list()).extracting(SnapshotName::index).containsExactly(50L);
    assertThatThrownBy(() -> dir.retain(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retentionCountsOnlyValidSnapshotsAndLeavesCorruptNewerOnesInPlace() throws IOException {
    for (long i = 1; i <= 4; i++) write(i * 10);
    Path newest = dir.path().resolve(new SnapshotName(40, 5).fileName());
    flipByte(newest, 50);
    RetentionResult result = dir.retain(2);
    assertThat(result.kept()).extracting(f -> f.name().index()).containsExactly(30L, 20L);
    assertThat(result.corrupt()).extracting(SnapshotProblem::file).containsExactly(newest);
    assertThat(dir.list()).extracting(SnapshotName::index).containsExactly(40L, 30L, 20L);
  }

  @Test
  void withFewerValidSnapshotsThanKeptRetentionDeletesNoSnapshot() throws IOException {
    write(10);
    SnapshotFile newest = write(20);
    flipByte(newest.path(), 50);
    RetentionResult result = dir.retain(2);
    assertThat(result.deleted()).isEmpty();
    assertThat(dir.list()).hasSize(2);
  }

  @Test
  void temporaryFilesOfInterruptedWritesAreIgnoredAndThenCleanedUp() throws IOException {
    SnapshotFile good = write(10);
    // what a crash leaves: a half-written snapshot and a half-received one, under temporary names
    byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(good.path()), 1000);
    Path interruptedWrite = dir.path().resolve(new SnapshotName(20, 3).fileName() + ".1b2c.tmp");
    Path interruptedTransfer = dir.path().resolve("receiving.3d4e.tmp");
    Files.write(interruptedWrite, half);
    Files.write(interruptedTransfer, half);

    assertThat(dir.list()).containsExactly(good.name());
    assertThat(dir.latestValid().skipped()).isEmpty();

    RetentionResult result = dir.retain();
    assertThat(result.deleted()).containsExactlyInAnyOrder(interruptedWrite, interruptedTransfer);
    assertThat(fileNames()).containsExactly(good.path().getFileName().toString());
  }

  @Test
  void retentionLeavesATransferInProgressAlone() throws IOException {
    try (SnapshotStaging staging = dir.stage()) {
      staging.append(0, new byte[] {1, 2, 3});
      assertThat(dir.retain().deleted()).isEmpty();
      assertThat(staging.path()).exists();
    }
  }

  @Test
  void aSnapshotReceivedInChunksIsVerifiedAndInstalledUnderItsName() throws IOException {
    SnapshotDirectory leader = SnapshotDirectory.open(data.resolve("leader"));
    byte[] payload = payload(100_000, 11);
    SnapshotFile sent = Snapshots.write(leader, 500, 7, payload);

    SnapshotFile installed;
    try (SnapshotStaging staging = dir.stage(); InputStream in = sent.openFile(0)) {
      assertThat(dir.list()).as("nothing visible before install").isEmpty();
      byte[] chunk;
      while ((chunk = in.readNBytes(8192)).length > 0) staging.append(staging.length(), chunk);
      assertThat(staging.length()).isEqualTo(sent.size());
      installed = staging.install(new SnapshotName(500, 7));
    }

    assertThat(installed.path()).isEqualTo(dir.path().resolve(new SnapshotName(500, 7).fileName()));
    assertThat(installed.meta()).isEqualTo(sent.meta());
    assertThat(payloadOf(installed)).isEqualTo(payload);
    assertThat(dir.latestValid().snapshot()).get().extracting(SnapshotFile::path).isEqualTo(installed.path());
    assertThat(fileNames()).containsExactly(installed.path().getFileName().toString());
  }

  @Test
  void aBrokenTransferResumesAtTheLengthReceived() throws IOException {
    SnapshotDirectory leader = SnapshotDirectory.open(data.resolve("leader"));
    SnapshotFile sent = Snapshots.write(leader, 500, 7, payload(30_000, 12));
    try (SnapshotStaging staging = dir.stage()) {
      try (InputStream in = sent.openFile(0)) {
        staging.append(0, in.readNBytes(10_000)); // then the connection breaks
      }
      assertThatThrownBy(() -> staging.append(0, new byte[10])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("resume the transfer at offset 10000");
      try (InputStream in = sent.openFile(staging.length())) {
        staging.append(10_000, in.readAllBytes());
      }
      assertThat(payloadOf(staging.install(sent.name()))).isEqualTo(payload(30_000, 12));
    }
  }

  @Test
  void aDamagedTransferIsRejectedAndLeavesNothingBehind() throws IOException {
    SnapshotDirectory leader = SnapshotDirectory.open(data.resolve("leader"));
    SnapshotFile sent = Snapshots.write(leader, 500, 7, payload(30_000, 13));
    byte[] bytes = Files.readAllBytes(sent.path());
    bytes[20_000] ^= 0x40;
    try (SnapshotStaging staging = dir.stage()) {
      staging.append(0, bytes);
      assertThatThrownBy(() -> staging.install(sent.name())).isInstanceOf(CorruptSnapshotException.class)
          .hasMessageContaining(staging.path().toString()).hasMessageContaining("checksum does not match");
    }
    assertThat(fileNames()).isEmpty();
    assertThat(dir.list()).isEmpty();
  }

  @Test
  void aTransferCutShortIsRejected() throws IOException {
    SnapshotDirectory leader = SnapshotDirectory.open(data.resolve("leader"));
    SnapshotFile sent = Snapshots.write(leader, 500, 7, payload(30_000, 14));
    try (SnapshotStaging staging = dir.stage(); InputStream in = sent.openFile(0)) {
      staging.append(0, in.readNBytes(29_000));
      assertThatThrownBy(() -> staging.install(sent.name())).isInstanceOf(CorruptSnapshotException.class)
          .hasMessageContaining("truncated");
    }
    assertThat(fileNames()).isEmpty();
  }

  @Test
  void aTransferOfAnotherSnapshotThanAnnouncedIsRejected() throws IOException {
    SnapshotDirectory leader = SnapshotDirectory.open(data.resolve("leader"));
    SnapshotFile sent = Snapshots.write(leader, 500, 7, payload(100, 15));
    try (SnapshotStaging staging = dir.stage()) {
      staging.append(0, Files.readAllBytes(sent.path()));
      assertThatThrownBy(() -> staging.install(new SnapshotName(600, 7))).isInstanceOf(CorruptSnapshotException.class)
          .hasMessageContaining("covers 500@7 but the leader announced 600@7");
    }
    assertThat(fileNames()).isEmpty();
  }

  @Test
  void aFinishedStagingTakesNoMoreChunks() throws IOException {
    SnapshotDirectory leader = SnapshotDirectory.open(data.resolve("leader"));
    SnapshotFile sent = Snapshots.write(leader, 5, 1, payload(100, 16));
    SnapshotStaging staging = dir.stage();
    staging.append(0, Files.readAllBytes(sent.path()));
    staging.install(sent.name());
    assertThatThrownBy(() -> staging.append(staging.length(), new byte[1])).isInstanceOf(IllegalStateException.class);
    staging.close(); // after install: keeps the installed file
    assertThat(dir.list()).containsExactly(sent.name());
  }

  @Test
  void writingASnapshotThatExistsReplacesIt() {
    write(10);
    SnapshotFile again = Snapshots.write(dir, 10, 2, payload(10, 99));
    assertThat(dir.list()).containsExactly(new SnapshotName(10, 2));
    assertThat(payloadOf(dir.verify(again.name()))).isEqualTo(payload(10, 99));
  }

  @Test
  void aSnapshotsPathThatIsAFileIsAClearError() throws IOException {
    Path other = data.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve(SnapshotDirectory.NAME), "a file");
    assertThatThrownBy(() -> SnapshotDirectory.open(other)).isInstanceOf(StorageException.class)
        .hasMessageContaining("is not a directory");
  }
}
