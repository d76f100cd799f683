package io.kuorum.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the node's durable store, plus what its second copy is for: surviving a torn first one. */
class MirroredLogStoreTest extends LogStoreContract {

  @TempDir Path dir;
  @Override
  LogStore store() {
    return open();
  }

  private MirroredLogStore open() {
    return track(MirroredLogStore.open(dir.resolve("data"), ID));
  }

  private Path copy(String which) {
    return StoreFile.segment(dir.resolve("data").resolve(which), 1);
  }

  /** Three batches of entries in term 1, commit at 4; closed afterwards. */
  private List<Entry> writeSome() {
    List<Entry> all = new ArrayList<>();
    try (MirroredLogStore s = MirroredLogStore.open(dir.resolve("data"), ID)) {
      for (int b = 0; b < 3; b++) {
        List<Entry> batch = List.of(Entry.command(2 * b + 1, 1, new byte[] {(byte) b}), Entry.command(2 * b + 2, 1, new byte[] {9}));
        s.write(List.of(new LogWrite(Optional.of(new HardState(1, 1, Math.max(0, 2 * b))), batch)));
        all.addAll(batch);
      }
    }
    return all;
  }

  private static void tear(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int i = bytes.length / 8; i < bytes.length * 7 / 8; i++) bytes[i] ^= (byte) 0x5a;
    Files.write(file, bytes);
  }

  @Test
  void aTornFirstCopyIsReplacedByTheIntactSecond() throws IOException {
    List<Entry> written = writeSome();
    tear(copy(MirroredLogStore.PRIMARY));
    MirroredLogStore s = open();
    assertThat(s.entries(1, s.lastIndex())).containsExactlyElementsOf(written);
    assertThat(s.hardState()).isEqualTo(new HardState(1, 1, 4));
    assertThat(Files.readAllBytes(copy(MirroredLogStore.PRIMARY))).isEqualTo(Files.readAllBytes(copy(MirroredLogStore.SECONDARY)));
  }

  @Test
  void aTornSecondCopyIsReplacedByTheIntactFirst() throws IOException {
    List<Entry> written = writeSome();
    tear(copy(MirroredLogStore.SECONDARY));
    MirroredLogStore s = open();
    assertThat(s.entries(1, s.lastIndex())).containsExactlyElementsOf(written);
    s.close();
    try (MapDbLogStore b = MapDbLogStore.open(copy(MirroredLogStore.SECONDARY).getParent(), ID)) {
      assertThat(b.entries(1, b.lastIndex())).containsExactlyElementsOf(written);
    }
  }

  @Test
  void aCopyLeftOneBatchBehindCatchesUp() {
    List<Entry> written = writeSome();
    Entry extra = Entry.command(7, 2, new byte[] {7});
    // The node died after writing copy A but before copy B.
    try (MapDbLogStore a = MapDbLogStore.open(copy(MirroredLogStore.PRIMARY).getParent(), ID)) {
      a.write(List.of(new LogWrite(Optional.of(new HardState(2, 2, 4)), List.of(extra))));
    }
    MirroredLogStore s = open();
    assertThat(s.lastIndex()).isEqualTo(7);
    assertThat(s.hardState()).isEqualTo(new HardState(2, 2, 4));
    s.close();
    try (MapDbLogStore b = MapDbLogStore.open(copy(MirroredLogStore.SECONDARY).getParent(), ID)) {
      assertThat(b.entries(1, 7)).containsSubsequence(written.get(0), extra);
    }
  }

  @Test
  void aMissingFirstCopyIsRebuiltFromTheSecondNotTheOtherWayRound() throws IOException {
    List<Entry> written = writeSome();
    Files.delete(copy(MirroredLogStore.PRIMARY));
    MirroredLogStore s = open();
    assertThat(s.entries(1, s.lastIndex())).containsExactlyElementsOf(written);
  }

  @Test
  void aCopyWhoseCommitWasInterruptedIsReplacedEvenIfItOpens() throws IOException {
    List<Entry> written = writeSome();
    // What a kill inside copy A's commit leaves: A's new batch half-applied, MapDB's write-ahead file behind.
    try (MapDbLogStore a = MapDbLogStore.open(copy(MirroredLogStore.PRIMARY).getParent(), ID)) {
      a.write(List.of(new LogWrite(Optional.of(new HardState(2, 2, 4)), List.of(Entry.command(7, 2, new byte[] {7})))));
    }
    Path wal = copy(MirroredLogStore.PRIMARY).resolveSibling(copy(MirroredLogStore.PRIMARY).getFileName() + ".wal.0");
    Files.write(wal, new byte[] {1, 2, 3});
    MirroredLogStore s = open();
    assertThat(s.entries(1, s.lastIndex())).as("copy B's state, the last one fully written").containsExactlyElementsOf(written);
    assertThat(wal).as("the sign of the interrupted commit goes once the copy is replaced").doesNotExist();
  }

  @Test
  void bothCopiesInterruptedIsRefusedAndTheEvidenceKept() throws IOException {
    writeSome();
    Path walA = copy(MirroredLogStore.PRIMARY).resolveSibling(copy(MirroredLogStore.PRIMARY).getFileName() + ".wal.0");
    Path walB = copy(MirroredLogStore.SECONDARY).resolveSibling(copy(MirroredLogStore.PRIMARY).getFileName() + ".wal.0");
    Files.write(walA, new byte[] {1});
    Files.write(walB, new byte[] {1});
    assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class).hasMessageContaining("interrupted");
    assertThat(walA).exists();
    assertThat(walB).exists();
  }

  @Test
  void twoTornCopiesStopTheNodeAndAreLeftAsTheyAre() throws IOException {
    writeSome();
    tear(copy(MirroredLogStore.PRIMARY));
    tear(copy(MirroredLogStore.SECONDARY));
    byte[] a = Files.readAllBytes(copy(MirroredLogStore.PRIMARY));
    byte[] b = Files.readAllBytes(copy(MirroredLogStore.SECONDARY));
    assertThatThrownBy(this::open).isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining("both copies").hasMessageContaining(MirroredLogStore.PRIMARY)
        .hasMessageContaining(MirroredLogStore.SECONDARY);
    assertThat(Files.readAllBytes(copy(MirroredLogStore.PRIMARY))).isEqualTo(a);
    assertThat(Files.readAllBytes(copy(MirroredLogStore.SECONDARY))).isEqualTo(b);
  }

  @Test
  void anotherMembersDataIsRefusedNotRestored() throws IOException {
    writeSome();
    tear(copy(MirroredLogStore.SECONDARY));
    byte[] b = Files.readAllBytes(copy(MirroredLogStore.SECONDARY));
    assertThatThrownBy(() -> MirroredLogStore.open(dir.resolve("data"), new StoreIdentity(ID.clusterId(), ID.memberId() + 1)))
        .isInstanceOf(StorageException.class).hasMessageContaining("belongs to cluster");
    assertThat(Files.readAllBytes(copy(MirroredLogStore.SECONDARY))).as("nothing restored for a stranger").isEqualTo(b);
  }

  @Test
  void aCopyWithATornSealedSegmentIsReplacedWholeByTheOtherCopysSegments() throws IOException {
    SegmentLimits four = new SegmentLimits(4, 1 << 20);
    Path data = dir.resolve("data");
    List<Entry> written = new ArrayList<>();
    try (MirroredLogStore s = MirroredLogStore.open(data, ID, four)) {
      for (long i = 1; i <= 30; i += 3) {
        List<Entry> batch = LogStoreContract.run(i, i + 2, 1);
        s.write(List.of(new LogWrite(Optional.of(new HardState(1, 1, i + 2)), batch)));
        written.addAll(batch);
      }
      s.compactPrefix(10);
    }
    Path copyA = data.resolve(MirroredLogStore.PRIMARY);
    Path copyB = data.resolve(MirroredLogStore.SECONDARY);
    List<Long> segmentsB = StoreFile.segments(copyB);
    assertThat(segmentsB).hasSizeGreaterThan(2);
    tear(StoreFile.segment(copyA, StoreFile.segments(copyA).get(1))); // a sealed one, not the head
    Files.createDirectories(data.resolve(MirroredLogStore.PRIMARY + ".discarded")); // as a restore cut short leaves it

    try (MirroredLogStore s = MirroredLogStore.open(data, ID, four)) {
      assertThat(s.entries(11, 30)).containsExactlyElementsOf(written.subList(10, 30));
    }
    assertThat(StoreFile.segments(copyA)).isEqualTo(segmentsB);
    for (long seq : segmentsB) {
      assertThat(Files.readAllBytes(StoreFile.segment(copyA, seq))).isEqualTo(Files.readAllBytes(StoreFile.segment(copyB, seq)));
    }
    assertThat(data.resolve(MirroredLogStore.PRIMARY + ".discarded")).doesNotExist();
    assertThat(data.resolve(MirroredLogStore.PRIMARY + ".restoring")).doesNotExist();
  }
}
