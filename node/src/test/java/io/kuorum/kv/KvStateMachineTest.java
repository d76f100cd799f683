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
}
