package io.kuorum.kv;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.Session;
import io.kuorum.kv.proto.WatchRequest;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

  private final RequestValidator v = new RequestValidator(new KvLimits(4, 8, 10, 5));

  private static ByteString bytes(int n) {
    return ByteString.copyFrom(new byte[n]);
  }

  @Test
  void sessionNumbersMustBeUsable() {
    PutRequest.Builder put = PutRequest.newBuilder().setKey(bytes(1));
    assertThatThrownBy(() -> v.check(put.setSession(Session.newBuilder().setSequence(1)).build()))
        .hasMessageContaining("session.id is 0");
    assertThatThrownBy(() -> v.check(put.setSession(Session.newBuilder().setId(3)).build()))
        .hasMessageContaining("session.sequence is 0");
    assertThatThrownBy(() -> v.check(put.setSession(Session.newBuilder().setId(3).setSequence(2).setLowestUnanswered(3)).build()))
        .hasMessageContaining("lowest_unanswered 3 is above session.sequence 2");
    assertThatThrownBy(() -> v.check(DeleteRequest.newBuilder().setKey(bytes(1))
        .setSession(Session.newBuilder().setId(-1).setSequence(1)).build())).hasMessageContaining("below 2^63");
    assertThatCode(() -> v.check(put.setSession(Session.newBuilder().setId(3).setSequence(2).setLowestUnanswered(2)).build()))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> v.check(OpenSessionRequest.newBuilder().setTtlSeconds(86_401).build()))
        .hasMessageContaining("ttl_seconds 86401 is outside 1..86400");
    assertThatCode(() -> v.check(OpenSessionRequest.getDefaultInstance())).doesNotThrowAnyException();
  }

  @Test
  void keysMustBeNonEmptyAndWithinTheLimit() {
    assertThatThrownBy(() -> v.check(GetRequest.newBuilder().build())).isInstanceOf(InvalidRequestException.class)
        .hasMessage("key must not be empty");
    assertThatThrownBy(() -> v.check(GetRequest.newBuilder().setKey(bytes(5)).build()))
        .hasMessage("key is 5 bytes; the limit is 4");
    assertThatCode(() -> v.check(GetRequest.newBuilder().setKey(bytes(4)).build())).doesNotThrowAnyException();
  }

  @Test
  void valuesMustBeWithinTheLimit() {
    assertThatThrownBy(() -> v.check(PutRequest.newBuilder().setKey(bytes(1)).setValue(bytes(9)).build()))
        .hasMessage("value is 9 bytes; the limit is 8");
    assertThatCode(() -> v.check(PutRequest.newBuilder().setKey(bytes(1)).setValue(bytes(8)).build()))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> v.check(CompareAndSetRequest.newBuilder().setKey(bytes(1)).setNewValue(bytes(9)).build()))
        .hasMessageContaining("new_value is 9 bytes");
  }

  @Test
  void anExpectedValueWithoutExpectPresentIsAmbiguous() {
    assertThatThrownBy(() -> v.check(CompareAndSetRequest.newBuilder().setKey(bytes(1)).setExpectedValue(bytes(1)).build()))
        .hasMessageContaining("expect_present");
  }

  @Test
  void rangeLimitIsBounded() {
    assertThatThrownBy(() -> v.check(RangeRequest.newBuilder().setLimit(11).build())).hasMessageContaining("exceeds the maximum 10");
    assertThatThrownBy(() -> v.check(RangeRequest.newBuilder().setLimit(-1).build())).hasMessageContaining("4294967295");
    assertThatCode(() -> v.check(RangeRequest.newBuilder().setLimit(10).build())).doesNotThrowAnyException();
  }

  @Test
  void anUnknownReadConsistencyIsRefused() {
    assertThatThrownBy(() -> v.check(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setConsistencyValue(7).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown consistency");
    assertThatThrownBy(() -> v.check(RangeRequest.newBuilder().setConsistencyValue(-1).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("LINEARIZABLE (0), SERIALIZABLE (1) or LEASE (2)");
  }

  @Test
  void aProgressIntervalIsAnUnsignedNumberOfMillisecondsBelow2To31() {
    WatchRequest.Builder watch = WatchRequest.newBuilder().setKey(bytes(1));
    // 2^31 and 2^32 - 1 arrive as negative ints: they must be refused, not clamped to the minimum.
    assertThatThrownBy(() -> v.check(watch.setProgressIntervalMs(Integer.MIN_VALUE).build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("progress_interval_ms 2147483648 is outside 0..2147483647 (0: no progress messages; the member raises"
            + " shorter intervals to its minimum, 100 ms)");
    assertThatThrownBy(() -> v.check(watch.setProgressIntervalMs(-1).build()))
        .hasMessageStartingWith("progress_interval_ms 4294967295 is outside 0..2147483647");
    assertThatCode(() -> v.check(watch.setProgressIntervalMs(Integer.MAX_VALUE).build())).doesNotThrowAnyException();
    assertThatCode(() -> v.check(watch.setProgressIntervalMs(0).build())).doesNotThrowAnyException();
  }
}
