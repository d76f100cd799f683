package io.kuorum.kv;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.Consistency;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.Session;
import io.kuorum.kv.proto.WatchRequest;

/** Checks client requests against {@link KvLimits}; throws {@link InvalidRequestException} naming the broken rule. */
public final class RequestValidator {

  private final KvLimits limits;

  public RequestValidator(KvLimits limits) {
    this.limits = limits;
  }

  public void check(PutRequest r) {
    key(r.getKey());
    value("value", r.getValue());
    if (r.hasSession()) session(r.getSession());
  }

  public void check(GetRequest r) {
    key(r.getKey());
    consistency(r.getConsistency());
  }

  public void check(DeleteRequest r) {
    key(r.getKey());
    if (r.hasSession()) session(r.getSession());
  }

  public void check(OpenSessionRequest r) {
    if (r.getTtlSeconds() < 0 || r.getTtlSeconds() > SessionLimits.MAX_TTL_SECONDS) {
      throw new InvalidRequestException("ttl_seconds " + Integer.toUnsignedString(r.getTtlSeconds()) + " is outside 1.."
          + SessionLimits.MAX_TTL_SECONDS + " (0 asks for the default, " + SessionLimits.DEFAULT_TTL_SECONDS + ")");
    }
  }

  public void check(CompareAndSetRequest r) {
    key(r.getKey());
    value("expected_value", r.getExpectedValue());
    value("new_value", r.getNewValue());
    if (!r.getExpectPresent() && !r.getExpectedValue().isEmpty()) {
      throw new InvalidRequestException("expected_value given but expect_present is false: set expect_present to compare"
          + " with a value, or leave expected_value empty to require an absent key");
    }
    if (r.hasSession()) session(r.getSession());
  }

  public void check(RangeRequest r) {
    if (r.getPrefix().size() > limits.maxKeyBytes()) {
      throw new InvalidRequestException("prefix is " + r.getPrefix().size() + " bytes; the limit is " + limits.maxKeyBytes());
    }
    if (Integer.compareUnsigned(r.getLimit(), limits.maxRangeLimit()) > 0) {
      throw new InvalidRequestException("range limit " + Integer.toUnsignedString(r.getLimit()) + " exceeds the maximum "
          + limits.maxRangeLimit() + "; page through with a smaller limit");
    }
    consistency(r.getConsistency());
  }

  public void check(WatchRequest r) {
    if (!r.getPrefix() && r.getKey().isEmpty()) {
      throw new InvalidRequestException("key must not be empty: name a key, or set prefix (an empty prefix watches every key)");
    }
    if (r.getKey().size() > limits.maxKeyBytes()) {
      throw new InvalidRequestException((r.getPrefix() ? "prefix" : "key") + " is " + r.getKey().size()
          + " bytes; the limit is " + limits.maxKeyBytes());
    }
    if (r.getStartRevision() < 0) {
      throw new InvalidRequestException("start_revision " + Long.toUnsignedString(r.getStartRevision())
          + " is beyond any revision; use 0 to watch from now");
    }
    // uint32 on the wire, an int here: values of 2^31 and above arrive negative and would be misread.
    if (r.getProgressIntervalMs() < 0) {
      throw new InvalidRequestException("progress_interval_ms " + Integer.toUnsignedString(r.getProgressIntervalMs())
          + " is outside 0.." + Integer.MAX_VALUE + " (0: no progress messages; the member raises"
          + " shorter intervals to its minimum, 100 ms)");
    }
  }

  private static void consistency(Consistency c) {
    if (c == Consistency.UNRECOGNIZED) {
      throw new InvalidRequestException("unknown consistency: use LINEARIZABLE (0), SERIALIZABLE (1) or LEASE (2)");
    }
  }

  private static void session(Session s) {
    if (s.getSequence() < 0 || s.getId() < 0) throw new InvalidRequestException("session numbers must be below 2^63");
    if (s.getId() == 0) throw new InvalidRequestException("session.id is 0: use the id OpenSession returned");
    if (s.getSequence() == 0) throw new InvalidRequestException("session.sequence is 0: number a session's writes from 1");
    if (Long.compareUnsigned(s.getLowestUnanswered(), s.getSequence()) > 0) {
      throw new InvalidRequestException("session.lowest_unanswered " + Long.toUnsignedString(s.getLowestUnanswered())
          + " is above session.sequence " + Long.toUnsignedString(s.getSequence()) + ": this write itself is unanswered");
    }
  }

  private void key(ByteString key) {
    if (key.isEmpty()) throw new InvalidRequestException("key must not be empty");
    if (key.size() > limits.maxKeyBytes()) {
      throw new InvalidRequestException("key is " + key.size() + " bytes; the limit is " + limits.maxKeyBytes());
    }
  }

  private void value(String field, ByteString value) {
    if (value.size() > limits.maxValueBytes()) {
      throw new InvalidRequestException(field + " is " + value.size() + " bytes; the limit is " + limits.maxValueBytes());
    }
  }
}
