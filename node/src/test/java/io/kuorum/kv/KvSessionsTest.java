package io.kuorum.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KeyValue;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.OpenSessionResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.Session;
import io.kuorum.kv.proto.SessionRefusal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Exactly-once writes (dissertation §6.3): the session table of the key-value state machine. */
class KvSessionsTest {

  private KvStateMachine sm = new KvStateMachine(KvLimits.DEFAULT);
  private long index;
  /** The log time the next command is stamped with. */
  private long now = 1_000_000;

  private Message apply(Command.Builder c) {
    return sm.apply(++index, c.setProposedAtMillis(now).build().toByteArray());
  }

  private long open(int ttlSeconds) {
    return ((OpenSessionResponse) apply(Command.newBuilder().setOpenSession(OpenSessionRequest.newBuilder()
        .setTtlSeconds(ttlSeconds)))).getSessionId();
  }

  private static Session session(long id, long sequence, long lowestUnanswered) {
    return Session.newBuilder().setId(id).setSequence(sequence).setLowestUnanswered(lowestUnanswered).build();
  }

  private Message put(String k, String v, Session s) {
    return apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(k)).setValue(b(v)).setSession(s)));
  }

  private Message put(String k, String v) {
    return apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(k)).setValue(b(v))));
  }

  private Message cas(String k, String expected, String v, Session s) {
    return apply(Command.newBuilder().setCompareAndSet(CompareAndSetRequest.newBuilder().setKey(b(k))
        .setExpectPresent(true).setExpectedValue(b(expected)).setNewValue(b(v)).setSession(s)));
  }

  private String value(String k) {
    GetResponse g = (GetResponse) apply(Command.newBuilder().setGet(GetRequest.newBuilder().setKey(b(k))));
    return g.getFound() ? g.getKv().getValue().toStringUtf8() : "<absent>";
  }

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void openingASessionNumbersItByItsIndexWithTheDefaultTtl() {
    put("x", "1");
    OpenSessionResponse r = (OpenSessionResponse) apply(Command.newBuilder().setOpenSession(OpenSessionRequest.getDefaultInstance()));
    assertThat(r.getSessionId()).isEqualTo(2);
    assertThat(r.getTtlSeconds()).isEqualTo(SessionLimits.DEFAULT_TTL_SECONDS);
    assertThat(sm.sessionCount()).isEqualTo(1);
  }

  @Test
  void aRetriedPutIsAppliedOnceAndGetsItsFirstAnswer() {
    long id = open(60);
    PutResponse first = (PutResponse) put("k", "mine", session(id, 1, 1));
    put("k", "someone else's");
    Message retry = put("k", "mine", session(id, 1, 1));
    assertThat(retry).isEqualTo(first);
    assertThat(value("k")).isEqualTo("someone else's");
  }

  @Test
  void aRetriedCompareAndSetGetsItsFirstAnswerThoughApplyingItAgainWouldFail() {
    long id = open(60);
    put("counter", "0");
    CompareAndSetResponse first = (CompareAndSetResponse) cas("counter", "0", "1", session(id, 1, 1));
    assertThat(first.getSucceeded()).isTrue();
    assertThat(cas("counter", "0", "1", session(id, 1, 1))).isEqualTo(first);
    assertThat(value("counter")).isEqualTo("1");
  }

  @Test
  void aRetriedDeleteGetsItsFirstAnswer() {
    long id = open(60);
    put("k", "v");
    Command.Builder delete = Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(b("k")).setSession(session(id, 1, 1)));
    DeleteResponse first = (DeleteResponse) apply(delete.clone());
    assertThat(first.getDeleted()).isTrue();
    assertThat(apply(delete.clone())).isEqualTo(first);
  }

  @Test
  void aWriteOfAnUnknownSessionIsRefusedAndNotApplied() {
    Message answer = put("k", "v", session(42, 1, 1));
    assertThat(answer).isInstanceOf(SessionRefusal.class);
    assertThat(((SessionRefusal) answer).getReason()).isEqualTo(SessionRefusal.Reason.UNKNOWN_SESSION);
    assertThat(((SessionRefusal) answer).getMessage()).contains("session 42 is unknown").contains("open a new session");
    assertThat(value("k")).isEqualTo("<absent>");
  }

  @Test
  void aSessionExpiresAfterItsTtlOfLogTimeWithoutAWriteAndNotBefore() {
    long id = open(10);
    now += 10_000; // exactly the TTL: still alive, and the write renews it
    assertThat(put("a", "1", session(id, 1, 1))).isInstanceOf(PutResponse.class);
    now += 10_001;
    put("other", "traffic"); // log time moves with any command
    Message late = put("b", "2", session(id, 2, 2));
    assertThat(late).isInstanceOf(SessionRefusal.class);
    assertThat(value("b")).isEqualTo("<absent>");
    assertThat(sm.sessionCount()).isZero();
  }

  @Test
  void logTimeNeverRunsBackwardsWhenALaterLeaderStampsAnEarlierTime() {
    long id = open(10);
    now += 20_000;
    put("other", "moves log time past the TTL");
    now -= 20_000; // a new leader whose clock is behind: the session stays expired
    assertThat(put("a", "1", session(id, 1, 1))).isInstanceOf(SessionRefusal.class);
  }

  @Test
  void acknowledgedAnswersAreForgottenAndTheirRetryIsRefused() {
    long id = open(60);
    put("a", "1", session(id, 1, 1));
    put("b", "2", session(id, 2, 2)); // the client has the answer to write 1
    Message retry = put("a", "1", session(id, 1, 1));
    assertThat(retry).isInstanceOf(SessionRefusal.class);
    assertThat(((SessionRefusal) retry).getReason()).isEqualTo(SessionRefusal.Reason.ANSWER_FORGOTTEN);
    assertThat(put("b", "2", session(id, 2, 2))).isInstanceOf(PutResponse.class); // still held
  }

  @Test
  void aWriteNumberedAWindowPastTheLowestUnansweredIsRefusedButTheSlowOneItselfIsNot() {
    long id = open(60);
    // write 1 is slow; writes 2..WINDOW are answered (the client still reports 1 as unanswered)
    for (int seq = 2; seq < SessionLimits.WINDOW + 1; seq++) {
      assertThat(put("k" + seq, "v", session(id, seq, 1))).isInstanceOf(PutResponse.class);
    }
    Message over = put("over", "v", session(id, SessionLimits.WINDOW + 1, 1));
    assertThat(((SessionRefusal) over).getReason()).isEqualTo(SessionRefusal.Reason.TOO_MANY_UNANSWERED);
    assertThat(((SessionRefusal) over).getMessage()).contains("1024 or more past its lowest unanswered write 1");
    assertThat(value("over")).isEqualTo("<absent>");
    assertThat(put("slow", "v", session(id, 1, 1))).as("the slow write still gets in").isInstanceOf(PutResponse.class);
    // once it is answered, the window moves on
    assertThat(put("over", "v", session(id, SessionLimits.WINDOW + 1, SessionLimits.WINDOW + 1))).isInstanceOf(PutResponse.class);
  }

  @Test
  void aSessionHoldsAtMostItsShareOfAnswerBytes() {
    long id = open(60);
    String big = "x".repeat(1 << 20);
    put("k", big);
    int seq = 1;
    Message answer;
    do { // failed compare-and-sets answer with the 1 MiB value they found
      answer = cas("k", "not it", "y", session(id, seq, 1));
      seq++;
    } while (answer instanceof CompareAndSetResponse);
    assertThat(((SessionRefusal) answer).getReason()).isEqualTo(SessionRefusal.Reason.TOO_MANY_UNANSWERED);
    assertThat(((SessionRefusal) answer).getMessage()).contains("bytes of unacknowledged answers");
    assertThat(seq - 2L).as("answers held").isEqualTo(SessionLimits.MAX_SESSION_ANSWER_BYTES >> 20);
  }

  @Test
  void aNumberReusedForAnotherKindOfWriteIsRefused() {
    long id = open(60);
    put("k", "v", session(id, 1, 1));
    Message reused = apply(Command.newBuilder().setDelete(DeleteRequest.newBuilder().setKey(b("k")).setSession(session(id, 1, 1))));
    assertThat(((SessionRefusal) reused).getReason()).isEqualTo(SessionRefusal.Reason.SEQUENCE_REUSED);
    assertThat(((SessionRefusal) reused).getMessage()).contains("was a put, this request is a delete");
    assertThat(value("k")).isEqualTo("v");
  }

  @Test
  void aShortLivedSessionExpiresEvenBehindALongLivedOne() {
    long longLived = open(3600);
    long shortLived = open(1);
    now += 2_000;
    put("other", "traffic");
    assertThat(put("a", "1", session(shortLived, 1, 1))).isInstanceOf(SessionRefusal.class);
    assertThat(put("a", "1", session(longLived, 1, 1))).isInstanceOf(PutResponse.class);
    assertThat(sm.sessionCount()).isEqualTo(1);
  }

  @Test
  void openingOneSessionTooManyEvictsTheLeastRecentlyActive() {
    long oldest = open(3600);
    long second = open(3600);
    for (int i = 2; i < SessionLimits.MAX_SESSIONS; i++) open(3600);
    put("a", "1", session(oldest, 1, 1)); // now the second is the least recently active
    open(3600);
    assertThat(sm.sessionCount()).isEqualTo(SessionLimits.MAX_SESSIONS);
    assertThat(put("b", "1", session(second, 1, 1))).isInstanceOf(SessionRefusal.class);
    assertThat(put("a", "1", session(oldest, 1, 1))).isInstanceOf(PutResponse.class);
  }

  @Test
  void aSnapshotCarriesTheSessionsSoARetryAfterRestoreIsStillAppliedOnce() throws IOException {
    long id = open(60);
    PutResponse first = (PutResponse) put("k", "mine", session(id, 1, 1));
    put("k", "later");
    KvStateMachine restored = new KvStateMachine(KvLimits.DEFAULT);
    restored.restore(new ByteArrayInputStream(snapshot(sm)));
    assertThat(restored.stateHash()).isEqualTo(sm.stateHash());
    sm = restored;
    assertThat(put("k", "mine", session(id, 1, 1))).isEqualTo(first);
    assertThat(value("k")).isEqualTo("later");
  }

  @Test
  void withTheSessionsLeftOutOfSnapshotsARetryNoLongerGetsItsFirstAnswer() throws IOException {
    sm = KvStateMachine.leavingSessionsOutOfSnapshots(KvLimits.DEFAULT);
    long id = open(60);
    PutResponse first = (PutResponse) put("k", "mine", session(id, 1, 1));
    KvStateMachine restored = new KvStateMachine(KvLimits.DEFAULT);
    restored.restore(new ByteArrayInputStream(snapshot(sm)));
    sm = restored;
    assertThat(sm.sessionCount()).isZero();
    assertThat(put("k", "mine", session(id, 1, 1))).as("the broken variant the simulation must catch")
        .isNotEqualTo(first).isInstanceOf(SessionRefusal.class);
  }

  @Test
  void aVersion1PayloadWithoutSessionsIsStillRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeFixed32NoTag('K' | 'V' << 8 | 'S' << 16 | 'M' << 24);
    out.writeFixed32NoTag(1);
    out.writeFixed64NoTag(7);
    out.writeFixed64NoTag(1);
    KeyValue kv = KeyValue.newBuilder().setKey(b("a")).setValue(b("1")).setRevision(5).build();
    out.writeUInt32NoTag(kv.getSerializedSize());
    kv.writeTo(out);
    out.flush();
    sm.restore(new ByteArrayInputStream(bytes.toByteArray()));
    index = 7;
    assertThat(sm.appliedIndex()).isEqualTo(7);
    assertThat(sm.sessionCount()).isZero();
    assertThat(value("a")).isEqualTo("1");
  }

  @Test
  void aTruncatedSessionTableIsRefusedAndTheStateKept() throws IOException {
    long id = open(60);
    put("k", "v", session(id, 1, 1));
    byte[] payload = snapshot(sm);
    KvStateMachine other = new KvStateMachine(KvLimits.DEFAULT);
    byte[] truncated = java.util.Arrays.copyOf(payload, payload.length - 3);
    assertThatThrownBy(() -> other.restore(new ByteArrayInputStream(truncated)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session 1 of 1 is truncated or malformed");
    assertThat(other.appliedIndex()).isZero();
  }

  private static byte[] snapshot(KvStateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    return out.toByteArray();
  }
}
