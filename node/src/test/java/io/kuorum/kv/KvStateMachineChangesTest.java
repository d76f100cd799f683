package io.kuorum.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the state machine tells its ChangeListener (the feed of watches): changes, not answers. */
class KvStateMachineChangesTest {

  private final KvStateMachine sm = new KvStateMachine(KvLimits.DEFAULT);
  private final List<String> heard = new ArrayList<>();
  private long index;

  KvStateMachineChangesTest() {
    sm.listen(new ChangeListener() {
      @Override
      public void changed(Change change) {
        heard.add(change instanceof Change.Put p
            ? "put " + p.key().toStringUtf8() + "=" + p.kv().getValue().toStringUtf8() + "@" + p.revision()
            : "delete " + change.key().toStringUtf8() + "@" + change.revision());
      }

      @Override
      public void applied(long i) {
        heard.add("applied " + i);
      }

      @Override
      public void restored(long i) {
        heard.add("restored " + i);
      }
    });
  }

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private void apply(Command c) {
    sm.apply(++index, c.toByteArray());
  }

  private void put(String k, String v) {
    apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(k)).setValue(b(v))).build());
  }

  private void delete(String k) {
    apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(b(k))).build());
  }

  private void cas(String k, String expected, String v) {
    CompareAndSetRequest.Builder r = CompareAndSetRequest.newBuilder().setKey(b(k)).setNewValue(b(v));
    if (expected != null) r.setExpectPresent(true).setExpectedValue(b(expected));
    apply(Command.newBuilder().setCompareAndSet(r).build());
  }

  @Test
  void putsDeletesAndSuccessfulSwapsAreChangesEachBeforeItsIndexIsApplied() {
    put("a", "1");
    cas("a", "1", "2");
    delete("a");
    assertThat(heard).containsExactly("put a=1@1", "applied 1", "put a=2@2", "applied 2", "delete a@3", "applied 3");
  }

  @Test
  void aRetriedSessionWriteAnsweredFromItsSessionIsNotAChangeAgain() {
    apply(Command.newBuilder().setOpenSession(OpenSessionRequest.getDefaultInstance()).build());
    Command retried = Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("a")).setValue(b("1"))
        .setSession(Session.newBuilder().setId(1).setSequence(1).setLowestUnanswered(1))).build();
    apply(retried);
    apply(retried);
    assertThat(heard).containsExactly("applied 1", "put a=1@2", "applied 2", "applied 3");
  }

  @Test
  void whatChangesNothingIsNotAChange() {
    put("a", "1");
    heard.clear();
    delete("missing");
    cas("a", "other", "x");
    cas("a", null, "x"); // expects absence, but a is present
    apply(Command.newBuilder().setGet(GetRequest.newBuilder().setKey(b("a"))).build());
    sm.skip(++index);
    assertThat(heard).containsExactly("applied 2", "applied 3", "applied 4", "applied 5", "applied 6");
  }

  @Test
  void aRestoredSnapshotIsReportedAsAWhole() throws IOException {
    KvStateMachine source = new KvStateMachine(KvLimits.DEFAULT);
    source.apply(1, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("k")).setValue(b("v"))).build().toByteArray());
    source.skip(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    source.writeSnapshot(out);

    sm.restore(new ByteArrayInputStream(out.toByteArray()));
    assertThat(heard).containsExactly("restored 7");
  }
}
