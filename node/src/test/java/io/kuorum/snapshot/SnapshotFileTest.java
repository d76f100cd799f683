package io.kuorum.snapshot;

import static io.kuorum.snapshot.Snapshots.flipByte;
import static io.kuorum.snapshot.Snapshots.meta;
import static io.kuorum.snapshot.Snapshots.payload;
import static io.kuorum.snapshot.Snapshots.payloadOf;
import static io.kuorum.snapshot.Snapshots.truncate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {

  @TempDir Path data;
  private SnapshotDirectory dir;

  @BeforeEach
  void open() {
    dir = SnapshotDirectory.open(data);
  }

  @Test
  void aWrittenSnapshotVerifiesAndReadsBackItsMetadataAndPayload() throws IOException {
    byte[] payload = payload(300_000, 1);
    SnapshotFile written = Snapshots.write(dir, 1234, 5, payload);

    assertThat(written.path()).isEqualTo(data.resolve("snapshots/snap-00000000000000001234-5.snap"));
    SnapshotFile read = SnapshotFile.verify(written.path());
    assertThat(read.meta()).isEqualTo(meta(1234, 5));
    assertThat(read.payloadLength()).isEqualTo(payload.length);
    assertThat(read.size()).isEqualTo(Files.size(written.path())).isEqualTo(written.size());
    assertThat(payloadOf(read)).isEqualTo(payload);
    assertThat(payloadOf(written)).isEqualTo(payload);
  }

  @Test
  void anEmptyPayloadIsASnapshotToo() {
    SnapshotFile written = Snapshots.write(dir, 1, 1, new byte[0]);
    assertThat(SnapshotFile.verify(written.path()).payloadLength()).isZero();
    assertThat(payloadOf(written)).isEmpty();
  }

  @Test
  void thePayloadIsStreamedInManySmallWritesAndMayBeClosedByTheWriter() {
    SnapshotFile written = dir.write(meta(3, 1), out -> {
      for (int i = 0; i < 100_000; i++) out.write(i);
      out.close(); // ignored: the trailer still follows
    });
    byte[] read = payloadOf(SnapshotFile.verify(written.path()));
    assertThat(read).hasSize(100_000);
    for (int i = 0; i < read.length; i++) assertThat(read[i]).isEqualTo((byte) i);
  }

  @Test
  void theRawFileCanBeReadFromAnyOffsetForATransfer() throws IOException {
    SnapshotFile written = Snapshots.write(dir, 9, 2, payload(1000, 2));
    byte[] whole = Files.readAllBytes(written.path());
    try (InputStream in = written.openFile(0)) {
      assertThat(in.readAllBytes()).isEqualTo(whole);
    }
    try (InputStream in = written.openFile(700)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(whole, 700, whole.length));
    }
    assertThatThrownBy(() -> written.openFile(whole.length + 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFlippedBitInAnyByteIsCaughtAndTheFileIsLeftUntouched() throws IOException {
    // header, configuration, payload, trailer length and checksum: every byte of a small file
    SnapshotFile written = Snapshots.write(dir, 77, 3, payload(40, 3));
    Path file = written.path();
    byte[] good = Files.readAllBytes(file);
    for (int at = 0; at < good.length; at++) {
      flipByte(file, at);
      byte[] damaged = Files.readAllBytes(file);
      CorruptSnapshotException e = catchThrowableOfType(() -> SnapshotFile.verify(file), CorruptSnapshotException.class);
      assertThat(e).as("flipped byte %d of %d", at, good.length).isNotNull();
      assertThat(e.getMessage()).startsWith(file.toString()).contains("left untouched").contains("restore it from a backup");
      assertThat(e.file()).isEqualTo(file);
      assertThat(Files.readAllBytes(file)).as("never repaired").isEqualTo(damaged);
      Files.write(file, good);
    }
    assertThat(SnapshotFile.verify(file).meta()).isEqualTo(meta(77, 3));
  }

  @Test
  void aFlippedPayloadByteIsReportedAsAChecksumMismatch() throws IOException {
    SnapshotFile written = Snapshots.write(dir, 10, 2, payload(5000, 4));
    flipByte(written.path(), written.size() / 2);
    assertThatThrownBy(() -> SnapshotFile.verify(written.path())).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("snap-00000000000000000010-2.snap").hasMessageContaining("checksum does not match");
  }

  @Test
  void aTruncatedFileIsCaughtAtEveryLength() throws IOException {
    SnapshotFile written = Snapshots.write(dir, 5, 1, payload(64, 5));
    Path file = written.path();
    byte[] good = Files.readAllBytes(file);
    for (int size = 0; size < good.length; size++) {
      truncate(file, size);
      assertThatThrownBy(() -> SnapshotFile.verify(file)).as("cut to %d of %d bytes", size, good.length)
          .isInstanceOf(CorruptSnapshotException.class).hasMessageContaining("truncated").hasMessageContaining(file.toString());
      Files.write(file, good);
    }
  }

  @Test
  void bytesAppendedToAFileAreCaught() throws IOException {
    SnapshotFile written = Snapshots.write(dir, 5, 1, payload(64, 6));
    Files.write(written.path(), new byte[] {0, 0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> SnapshotFile.verify(written.path())).isInstanceOf(CorruptSnapshotException.class);
  }

  @Test
  void anotherFormatVersionIsRejectedAsSuch() throws IOException {
    SnapshotFile written = Snapshots.write(dir, 5, 1, payload(64, 7));
    byte[] b = Files.readAllBytes(written.path());
    ByteBuffer.wrap(b).putInt(SnapshotFormat.MAGIC.length, 2);
    Files.write(written.path(), b);
    assertThatThrownBy(() -> SnapshotFile.verify(written.path())).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("format version 2").hasMessageContaining("reads version 1 only");
  }

  @Test
  void aFileThatIsNoSnapshotIsNamedAsSuch() throws IOException {
    Path other = data.resolve("snapshots/snap-00000000000000000001-1.snap");
    Files.write(other, "just some text that is long enough to be a snapshot....".getBytes());
    assertThatThrownBy(() -> SnapshotFile.verify(other)).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("not a Kuorum snapshot");
  }

  @Test
  void aRenamedSnapshotDisagreesWithItsName() throws IOException {
    SnapshotFile written = Snapshots.write(dir, 5, 1, payload(64, 8));
    Path renamed = written.path().resolveSibling(new SnapshotName(6, 1).fileName());
    Files.copy(written.path(), renamed);
    assertThatThrownBy(() -> SnapshotFile.verify(renamed)).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("header says it covers 5@1 but its name says 6@1");
  }

  @Test
  void aMissingFileIsAStorageErrorNotCorruption() {
    Path missing = data.resolve("snapshots").resolve(new SnapshotName(1, 1).fileName());
    StorageException e = catchThrowableOfType(() -> SnapshotFile.verify(missing), StorageException.class);
    assertThat(e).isNotInstanceOf(CorruptSnapshotException.class);
    assertThat(e.getMessage()).contains(missing.toString()).contains("does not exist");
  }

  @Test
  void thePayloadStreamChecksTheChecksumAgainAtItsEnd() throws IOException {
    SnapshotFile verified = SnapshotFile.verify(Snapshots.write(dir, 5, 1, payload(10_000, 9)).path());
    flipByte(verified.path(), verified.size() - 100); // damaged after verification
    assertThatThrownBy(() -> payloadOf(verified)).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("no longer matches");
    try (InputStream in = verified.openPayload()) {
      assertThat(in.readNBytes(10_000)).hasSize(10_000); // the bytes come, but the end of stream is refused
      assertThatThrownBy(in::read).isInstanceOf(CorruptSnapshotException.class);
    }
  }

  @Test
  void aReaderThatFailsOrStopsEarlyIsReportedWithTheFileName() {
    SnapshotFile written = Snapshots.write(dir, 5, 1, payload(100, 10));
    assertThatThrownBy(() -> written.readPayload(in -> {
      throw new IllegalArgumentException("bad magic");
    })).isInstanceOf(CorruptSnapshotException.class).hasMessageContaining(written.path().toString())
        .hasMessageContaining("payload cannot be read (bad magic)");
    assertThatThrownBy(() -> written.readPayload(in -> in.readNBytes(50))).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("bytes after the end of the state");
  }

  @Test
  void aFailedWriteLeavesNoFileBehind() throws IOException {
    assertThatThrownBy(() -> dir.write(meta(5, 1), out -> {
      out.write(new byte[100_000]);
      throw new IOException("disk full");
    })).isInstanceOf(StorageException.class).hasMessageContaining("snap-00000000000000000005-1.snap")
        .hasMessageContaining("disk full");
    try (var files = Files.list(dir.path())) {
      assertThat(files).isEmpty();
    }
  }
}
