package io.kuorum.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {

  private final KvStateMachine sm = new KvStateMachine(new KvLimits(64, 64, 3, 2));
  private long index;

  private com.google.protobuf.Message apply(Command c) {
    return sm.apply(++index, c.toByteArray());
  }

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private PutResponse put(String k, String v) {
    return (PutResponse) apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(k)).setValue(b(v))).build());
  }

  private GetResponse get(String k) {
    return (GetResponse) apply(Command.newBuilder().setGet(GetRequest.newBuilder().setKey(b(k))).build());
  }

  @Test
  void putThenGetReturnsTheValueWithTheRevisionThatWroteIt() {
    assertThat(put("a", "1").getRevision()).isEqualTo(1);
    GetResponse g = get("a");
    assertThat(g.getFound()).isTrue();
    assertThat(g.getKv().getValue().toStringUtf8()).isEqualTo("1");
    assertThat(g.getKv().getRevision()).isEqualTo(1);
    assertThat(g.getRevision()).isEqualTo(2);
    assertThat(get("missing").getFound()).isFalse();
  }

  @Test
  void deleteReportsWhetherTheKeyExisted() {
    put("a", "1");
    DeleteResponse d = (DeleteResponse) apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(b("a"))).build());
    assertThat(d.getDeleted()).isTrue();
    d = (DeleteResponse) apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(b("a"))).build());
    assertThat(d.getDeleted()).isFalse();
    assertThat(get("a").getFound()).isFalse();
  }

  @Test
  void compareAndSetSwapsOnlyOnAMatch() {
    CompareAndSetResponse r = cas("k", false, "", "first");
    assertThat(r.getSucceeded()).as("absent expected, absent found").isTrue();
    r = cas("k", false, "", "second");
    assertThat(r.getSucceeded()).as("absent expected, present found").isFalse();
    assertThat(r.getPreviousValue().toStringUtf8()).isEqualTo("first");
    r = cas("k", true, "wrong", "second");
    assertThat(r.getSucceeded()).isFalse();
    r = cas("k", true, "first", "second");
    assertThat(r.getSucceeded()).isTrue();
    assertThat(get("k").getKv().getValue().toStringUtf8()).isEqualTo("second");
  }

  private CompareAndSetResponse cas(String k, boolean present, String expected, String next) {
    return (CompareAndSetResponse) apply(Command.newBuilder().setCompareAndSet(CompareAndSetRequest.newBuilder()
        .setKey(b(k)).setExpectPresent(present).setExpectedValue(b(expected)).setNewValue(b(next))).build());
  }

  @Test
  void rangeReturnsPrefixMatchesInByteOrderWithinTheLimit() {
    put("b/2", "x");
    put("a", "x");
    put("b/1", "x");
    put("b/3", "x");
    put("c", "x");
    RangeResponse r = range("b/", 0);
    assertThat(r.getKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("b/1", "b/2");
    assertThat(r.getMore()).as("default limit 2 of 3 matches").isTrue();
    r = range("b/", 3);
    assertThat(r.getKvsList()).hasSize(3);
    assertThat(r.getMore()).isFalse();
    assertThat(range("", 3).getKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("a", "b/1", "b/2");
  }

  @Test
  void keysSortAsUnsignedBytes() {
    for (int b : new int[] {0xff, 0x80, 0x7f}) {
      apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {'z', (byte) b}))
          .setValue(b("x"))).build());
    }
    assertThat(range("z", 3).getKvsList()).extracting(kv -> kv.getKey().byteAt(1) & 0xff).containsExactly(0x7f, 0x80, 0xff);
  }

  private RangeResponse range(String prefix, int limit) {
    return (RangeResponse) apply(Command.newBuilder().setRange(RangeRequest.newBuilder().setPrefix(b(prefix))
        .setLimit(limit)).build());
  }

  @Test
  void aCorruptCommandStopsTheNodeInsteadOfBeingSkipped() {
    assertThatThrownBy(() -> sm.apply(1, new byte[] {(byte) 0xff, 0x01})).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("corrupt");
    assertThatThrownBy(() -> sm.apply(1, Command.getDefaultInstance().toByteArray()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty command");
  }

  @Test
  void anIndexIsNeverAppliedTwice() {
    put("a", "1");
    assertThatThrownBy(() -> sm.apply(1, Command.newBuilder().setGet(GetRequest.newBuilder().setKey(b("a"))).build()
        .toByteArray())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> sm.skip(1)).isInstanceOf(IllegalStateException.class);
  }

  // --- snapshots ---

  private static byte[] snapshotOf(KvStateMachine m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeSnapshot(out);
    return out.toByteArray();
  }

  private static KvStateMachine restored(byte[] payload) throws IOException {
    KvStateMachine m = new KvStateMachine(KvLimits.DEFAULT);
    m.restore(new ByteArrayInputStream(payload));
    return m;
  }

  private static GetResponse get(KvStateMachine m, ByteString key) {
    return (GetResponse) m.apply(m.appliedIndex() + 1, Command.newBuilder().setGet(GetRequest.newBuilder().setKey(key))
        .build().toByteArray());
  }

  @Test
  void anEmptyStateRoundTrips() throws IOException {
    KvStateMachine copy = restored(snapshotOf(sm));
    assertThat(copy.appliedIndex()).isZero();
    assertThat(snapshotOf(copy)).isEqualTo(snapshotOf(sm));
    assertThat(get(copy, b("a")).getFound()).isFalse();
  }

  @Test
  void manyKeysRoundTripWithTheirRevisionsAndTheAppliedIndex() throws IOException {
    for (int i = 0; i < 20_000; i++) put("key/" + i, "value " + i);
    put("key/7", "overwritten"); // revision 20001
    sm.skip(++index); // a leader's no-op: 20002
    byte[] payload = snapshotOf(sm);

    KvStateMachine copy = restored(payload);

    assertThat(copy.appliedIndex()).isEqualTo(20_002);
    assertThat(snapshotOf(copy)).as("the same state").isEqualTo(payload);
    GetResponse g = get(copy, b("key/7"));
    assertThat(g.getKv().getValue().toStringUtf8()).isEqualTo("overwritten");
    assertThat(g.getKv().getRevision()).isEqualTo(20_001);
    assertThat(get(copy, b("key/19999")).getKv().getRevision()).isEqualTo(20_000);
    assertThat(g.getRevision()).as("applying continues after the snapshot").isEqualTo(20_003);
    assertThatThrownBy(() -> copy.skip(20_002)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void binaryKeysAndValuesKeepTheirBytesAndOrder() throws IOException {
    for (int i = 255; i >= 0; i--) {
      apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {(byte) i, 0}))
          .setValue(ByteString.copyFrom(new byte[] {(byte) i, (byte) 0xff, 0}))).build());
    }
    apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.EMPTY).setValue(ByteString.EMPTY)).build());

    KvStateMachine copy = restored(snapshotOf(sm));

    assertThat(snapshotOf(copy)).isEqualTo(snapshotOf(sm));
    GetResponse g = get(copy, ByteString.copyFrom(new byte[] {(byte) 0x80, 0}));
    assertThat(g.getKv().getValue().toByteArray()).containsExactly(0x80, 0xff, 0);
    assertThat(g.getKv().getRevision()).isEqualTo(256 - 0x80);
    assertThat(get(copy, ByteString.EMPTY).getFound()).isTrue();
  }

  @Test
  void restoreReplacesTheWholeState() throws IOException {
    put("a", "1");
    put("b", "2");
    byte[] payload = snapshotOf(sm);
    KvStateMachine other = new KvStateMachine(KvLimits.DEFAULT);
    for (long i = 1; i <= 10; i++) {
      other.apply(i, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("z" + i)).setValue(b("x"))).build()
          .toByteArray());
    }

    other.restore(new ByteArrayInputStream(payload));

    assertThat(other.appliedIndex()).as("may move back: a snapshot replaces everything").isEqualTo(2);
    assertThat(snapshotOf(other)).isEqualTo(payload);
  }

  @Test
  void aCopyIsThePointInTimeItWasTakenAtWhileApplyingGoesOn() throws IOException {
    put("a", "1");
    put("b", "2");
    byte[] before = snapshotOf(sm);
    KvStateMachine.StateCopy copy = sm.copyForSnapshot();
    put("a", "changed");
    apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(b("b"))).build());
    put("c", "3");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    copy.writeTo(out);

    assertThat(copy.appliedIndex()).isEqualTo(2);
    assertThat(copy.size()).isEqualTo(2);
    assertThat(out.toByteArray()).isEqualTo(before);
  }

  @Test
  void aTruncatedPayloadIsRejectedAtEveryLengthAndTheStateIsUnchanged() throws IOException {
    put("a", "1");
    put("bb", "22");
    byte[] payload = snapshotOf(sm);
    KvStateMachine target = new KvStateMachine(KvLimits.DEFAULT);
    target.apply(1, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("mine")).setValue(b("x"))).build()
        .toByteArray());
    byte[] targetBefore = snapshotOf(target);
    for (int size = 0; size < payload.length; size++) {
      byte[] cut = Arrays.copyOf(payload, size);
      assertThatThrownBy(() -> target.restore(new ByteArrayInputStream(cut))).as("cut to %d of %d", size, payload.length)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
      assertThat(snapshotOf(target)).isEqualTo(targetBefore);
    }
  }

  @Test
  void bytesAfterTheLastEntryAreRejected() throws IOException {
    put("a", "1");
    byte[] payload = Arrays.copyOf(snapshotOf(sm), snapshotOf(sm).length + 1);
    assertThatThrownBy(() -> restored(payload)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes after its end");
  }

  @Test
  void anotherPayloadFormatVersionIsRejectedAsSuch() throws IOException {
    byte[] payload = snapshotOf(sm);
    ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(4, KvStateMachine.SNAPSHOT_VERSION + 1);
    assertThatThrownBy(() -> restored(payload)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format version 3 is not supported").hasMessageContaining("reads versions 1 and 2");
  }

  @Test
  void aPayloadThatIsNotAKeyValueSnapshotIsRejected() {
    assertThatThrownBy(() -> restored("something else entirely".getBytes())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a key-value snapshot payload");
  }

  @Test
  void entriesOutOfOrderOrWithImpossibleRevisionsAreRejected() throws IOException {
    put("b", "1");
    put("a", "2");
    byte[] payload = snapshotOf(sm); // header (24 bytes), then a@2, then b@1
    ByteBuffer header = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int firstLength = payload[24] + 1;
    byte[] swapped = Arrays.copyOf(payload, payload.length);
    System.arraycopy(payload, 24 + firstLength, swapped, 24, payload.length - 24 - firstLength);
    System.arraycopy(payload, 24, swapped, payload.length - firstLength, firstLength);
    assertThatThrownBy(() -> restored(swapped)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2 is out of key order");

    byte[] earlier = Arrays.copyOf(payload, payload.length);
    ByteBuffer.wrap(earlier).order(ByteOrder.LITTLE_ENDIAN).putLong(8, header.getLong(8) - 1); // applied index 1 < revision 2
    assertThatThrownBy(() -> restored(earlier)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 1 has revision 2, outside 1..1");
  }

  @Test
  void aSnapshotOfManyKeysIsStreamedNotAssembled() throws IOException {
    for (int i = 0; i < 1000; i++) put("k" + i, "v");
    int[] writes = new int[1];
    sm.writeSnapshot(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        writes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writes[0]++;
        assertThat(len).as("bounded buffer").isLessThanOrEqualTo(1 << 16);
      }
    });
    assertThat(writes[0]).isPositive();
  }
}
