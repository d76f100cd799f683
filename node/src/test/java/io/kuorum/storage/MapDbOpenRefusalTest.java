package io.kuorum.storage;

import static io.kuorum.storage.LogStoreContract.batch;
import static io.kuorum.storage.LogStoreContract.concat;
import static io.kuorum.storage.LogStoreContract.e;
import static io.kuorum.storage.LogStoreContract.hs;
import static io.kuorum.storage.LogStoreContract.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/** Every way an existing data directory is refused, and that refusing never changes it. */
class MapDbOpenRefusalTest {

  private static final StoreIdentity ID = LogStoreContract.ID;

  @TempDir Path tmp;

  private Path data() {
    return tmp.resolve("data");
  }

  /** The one segment of a store small enough to have one. */
  private Path storeFile() {
    return StoreFile.segment(data(), 1);
  }

  /** A closed store with entries 1..3 at term 1 and 4..8 at term 2, commit 5. */
  private void prepareStore() {
    try (MapDbLogStore s = MapDbLogStore.open(data(), ID)) {
      s.write(List.of(batch(hs(2, 1, 5), concat(run(1, 3, 1), run(4, 8, 2)))));
    }
  }

  /**
   * Changes the stored entries (index to {@link EntryCodec} bytes) behind the store's back, and stores
   * them back one run per entry, a layout the store reads like any other.
   */
  private void editEntries(Consumer<TreeMap<Long, byte[]>> edit) {
    editRaw(raw -> {
      TreeMap<Long, byte[]> entries = new TreeMap<>();
      raw.log().forEach((first, run) -> {
        List<byte[]> split = EntryRuns.split(first, run);
        for (int i = 0; i < split.size(); i++) entries.put(first + i, split.get(i));
      });
      edit.accept(entries);
      raw.log().clear();
      entries.forEach((index, e) -> raw.log().put(index, ByteBuffer.allocate(4 + e.length).putInt(e.length).put(e).array()));
    });
  }

  /** Changes the store file behind the store's back, through MapDB itself (checksums of MapDB stay valid). */
  private void editRaw(Consumer<StoreFile.Opened> edit) {
    StoreFile.Opened raw = StoreFile.open(storeFile());
    try {
      edit.accept(raw);
      raw.db().commit();
    } finally {
      raw.db().close();
    }
  }

  /** Opens, expects a refusal, and checks that every file in the directory is byte-for-byte as before. */
  private AbstractThrowableAssert<?, ? extends Throwable> assertRefusedUntouched(StoreIdentity id) throws IOException {
    List<Snapshot> before = Snapshot.of(data());
    Throwable thrown = catchOpen(id);
    assertThat(Snapshot.of(data())).as("files after the refused open").isEqualTo(before);
    // the refusal released the directory: a second attempt fails the same way, not with "in use"
    assertThat(catchOpen(id)).isInstanceOf(StorageException.class).hasMessage(thrown.getMessage());
    return assertThat(thrown).isInstanceOf(StorageException.class);
  }

  private Throwable catchOpen(StoreIdentity id) {
    try {
      MapDbLogStore.open(data(), id).close();
      throw new AssertionError("open succeeded");
    } catch (StorageException e) {
      return e;
    }
  }

  private record Snapshot(String name, byte[] bytes) {
    static List<Snapshot> of(Path dir) throws IOException {
      List<Snapshot> out = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir).sorted()) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (name.equals(DirectoryLock.FILE_NAME)) continue; // ours, empty, created by the first open
          out.add(new Snapshot(name, Files.readAllBytes(f)));
        }
      }
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Snapshot s && s.name.equals(name) && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return name + " (" + bytes.length + " bytes)";
    }
  }

  // ---- identity ------------------------------------------------------------------------------

  @Test
  void anotherClustersDataIsRefused() throws IOException {
    prepareStore();
    assertRefusedUntouched(new StoreIdentity("cluster-b", 1)).hasMessageContaining(storeFile().toString())
        .hasMessageContaining("data directory belongs to cluster cluster-a member 1, this node is cluster cluster-b member 1")
        .hasMessageContaining("point --data at this member's own directory or start with an empty one");
  }

  @Test
  void anotherMembersDataIsRefused() throws IOException {
    prepareStore();
    assertRefusedUntouched(new StoreIdentity("cluster-a", 2))
        .hasMessageContaining("belongs to cluster cluster-a member 1, this node is cluster cluster-a member 2");
    try (MapDbLogStore s = MapDbLogStore.open(data(), ID)) { // the owner still opens it
      assertThat(s.lastIndex()).isEqualTo(8);
    }
  }

  // ---- damaged file --------------------------------------------------------------------------

  /** A store whose entry payloads are easy to find in the file: {@code <marker index>} padded to 256 bytes. */
  private void prepareMarkedStore(int count) {
    try (MapDbLogStore s = MapDbLogStore.open(data(), ID)) {
      for (long i = 1; i <= count; i += 100) {
        List<Entry> es = new ArrayList<>();
        for (long j = i; j < i + 100 && j <= count; j++) es.add(Entry.command(j, 1, marked(j)));
        s.write(List.of(batch(hs(1, 1, 0), es)));
      }
    }
  }

  private static byte[] marked(long index) {
    return Arrays.copyOf(marker(index), 256);
  }

  private static byte[] marker(long index) {
    return String.format("<marker %08d>", index).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void garbageOverAnEntryInTheMiddleOfTheFileIsDetected() throws IOException {
    prepareMarkedStore(3000);
    byte[] file = Files.readAllBytes(storeFile());
    byte[] marker = marker(1500);
    int hits = 0;
    for (int at = indexOf(file, marker, 0); at >= 0; at = indexOf(file, marker, at + 1), hits++) {
      for (int i = 0; i < marker.length; i++) file[at + i] = (byte) (0x5a ^ i); // every copy, the live one included
    }
    assertThat(hits).isPositive();
    Files.write(storeFile(), file);

    assertRefusedUntouched(ID).hasMessageContaining(storeFile().toString())
        .hasMessageContaining("entry 1500 fails its checksum").hasMessageContaining("left untouched");
  }

  @Test
  void garbageOverTheMiddleThirdOfTheFileIsDetected() throws IOException {
    prepareMarkedStore(3000);
    byte[] file = Files.readAllBytes(storeFile());
    for (int i = file.length / 3; i < 2 * file.length / 3; i++) file[i] = (byte) (i * 131 + 7);
    Files.write(storeFile(), file);

    assertRefusedUntouched(ID).hasMessageContaining(storeFile().toString()).hasMessageContaining("corrupt or unreadable");
  }

  @Test
  void fileTruncatedToHalfIsDetected() throws IOException {
    prepareMarkedStore(3000);
    byte[] file = Files.readAllBytes(storeFile());
    Files.write(storeFile(), Arrays.copyOf(file, file.length / 2));

    assertRefusedUntouched(ID).hasMessageContaining(storeFile().toString()).hasMessageContaining("corrupt or unreadable");
  }

  @Test
  void emptyFileIsDetected() throws IOException {
    prepareStore();
    Files.write(storeFile(), new byte[0]);
    assertRefusedUntouched(ID).hasMessageContaining(storeFile().toString()).hasMessageContaining("corrupt or unreadable");
  }

  @Test
  void damagedMetadataIsDetected() throws IOException {
    prepareStore();
    editRaw(raw -> raw.meta().put(MetaCodec.HARD_STATE, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    assertRefusedUntouched(ID).hasMessageContaining("hardState record fails its checksum");
  }

  @Test
  void anEntryUnderTheWrongIndexIsDetected() throws IOException {
    prepareStore();
    editEntries(es -> es.put(3L, es.get(4L))); // a valid record, but index 4's
    assertRefusedUntouched(ID).hasMessageContaining("entry 3 fails its checksum");
  }

  // ---- inconsistent log ----------------------------------------------------------------------

  @Test
  void aGapInTheLogIsDetected() throws IOException {
    prepareStore();
    editEntries(es -> es.remove(5L));
    assertRefusedUntouched(ID).hasMessageContaining("the log has a gap: entries 5 to 5 are missing");
  }

  @Test
  void decreasingTermsAreDetected() throws IOException {
    prepareStore();
    editEntries(es -> es.put(6L, EntryCodec.encode(e(6, 1))));
    assertRefusedUntouched(ID).hasMessageContaining("entry 6 has term 1, below the term 2");
  }

  @Test
  void aCommitIndexBeyondTheLogIsDetected() throws IOException {
    prepareStore();
    editRaw(raw -> raw.meta().put(MetaCodec.HARD_STATE, MetaCodec.hardState(hs(2, 1, 50))));
    assertRefusedUntouched(ID).hasMessageContaining("the commit index 50 is beyond the last entry 8");
  }

  @Test
  void entriesMissingBetweenTheCompactionPointAndTheFirstSegmentAreDetected() throws IOException {
    prepareStore();
    editRaw(raw -> raw.meta().put(MetaCodec.SEGMENTS, MetaCodec.segments(new SegmentTable(1, 4, List.of()))));
    assertRefusedUntouched(ID).hasMessageContaining("entries 1 to 3 are in no segment");
  }

  @Test
  void aHeadThatIsNotTheSegmentItsTableNamesIsDetected() throws IOException {
    prepareStore();
    editRaw(raw -> raw.meta().put(MetaCodec.SEGMENTS, MetaCodec.segments(new SegmentTable(7, 1, List.of()))));
    assertRefusedUntouched(ID).hasMessageContaining("its segment table says it is segment 7");
  }

  @Test
  void anEntryTermAboveTheHardStateTermIsDetected() throws IOException {
    prepareStore();
    editRaw(raw -> raw.meta().put(MetaCodec.HARD_STATE, MetaCodec.hardState(hs(1, 1, 5))));
    assertRefusedUntouched(ID).hasMessageContaining("entry 4 has term 2, above the hard state's term 1");
  }

  // ---- foreign or future files ---------------------------------------------------------------

  @Test
  void anUnknownFormatVersionIsRefused() throws IOException {
    prepareStore();
    editRaw(raw -> raw.meta().put(MetaCodec.FORMAT, MetaCodec.format(99)));
    assertRefusedUntouched(ID)
        .hasMessageContaining("data format version 99 is not supported by this build (it reads version 2)");
  }

  @Test
  void aMapDbFileThatIsNotALogStoreIsRefused() throws IOException {
    Files.createDirectories(data());
    try (DB db = DBMaker.fileDB(storeFile().toFile()).transactionEnable().make()) {
      db.hashMap("something-else", Serializer.STRING, Serializer.STRING).create().put("k", "v");
      db.commit();
    }
    assertRefusedUntouched(ID).hasMessageContaining("is not a Kuorum log store");
  }

  @Test
  void aCreationThatCrashedBeforeItsRenameIsStartedOver() throws IOException {
    Files.createDirectories(data());
    Files.write(data().resolve(storeFile().getFileName() + ".creating"), new byte[] {9, 9, 9});
    Files.write(data().resolve(storeFile().getFileName() + ".creating.wal.0"), new byte[] {9, 9, 9});
    try (MapDbLogStore s = MapDbLogStore.open(data(), ID)) {
      assertThat(s.lastIndex()).isZero();
    }
    try (Stream<Path> files = Files.list(data())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(storeFile().getFileName().toString(),
          DirectoryLock.FILE_NAME);
    }
  }

  // ---- directory -----------------------------------------------------------------------------

  @Test
  void aDirectoryThatCannotBeCreatedIsRefusedClearly() throws IOException {
    Path plainFile = Files.writeString(tmp.resolve("plain-file"), "not a directory");
    assertThatThrownBy(() -> MapDbLogStore.open(plainFile.resolve("data"), ID)).isInstanceOf(StorageException.class)
        .hasMessageContaining(plainFile.resolve("data").toString())
        .hasMessageContaining("cannot create the data directory")
        .hasMessageContaining("point --data at a writable location");
    assertThatThrownBy(() -> MapDbLogStore.open(plainFile, ID)).isInstanceOf(StorageException.class)
        .hasMessageContaining("exists and is not a directory");
    assertThat(Files.readString(plainFile)).isEqualTo("not a directory");
  }

  @Test
  void aDirectoryInUseIsRefused() {
    try (MapDbLogStore first = MapDbLogStore.open(data(), ID)) {
      first.write(List.of(batch(hs(1, 1, 0), run(1, 1, 1))));
      assertThatThrownBy(() -> MapDbLogStore.open(data(), ID)).isInstanceOf(StorageException.class)
          .hasMessageContaining("in use by another process")
          .hasMessageContaining(data().resolve(DirectoryLock.FILE_NAME).toString())
          .satisfies(t -> assertThat(((StorageException) t).file()).isEqualTo(data().resolve(DirectoryLock.FILE_NAME)));
      assertThat(first.lastIndex()).isEqualTo(1); // the refused opener did not disturb the owner
    }
    try (MapDbLogStore again = MapDbLogStore.open(data(), ID)) {
      assertThat(again.lastIndex()).isEqualTo(1);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
