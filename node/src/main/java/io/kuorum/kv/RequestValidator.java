package io.kuorum.kv;

import com.google.protobuf.ByteString;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.Consistency;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.RangeRequest;
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
  }

  public void check(GetRequest r) {
    key(r.getKey());
    consistency(r.getConsistency());
  }

  public void check(DeleteRequest r) {
    key(r.getKey());
  }

  public void check(CompareAndSetRequest r) {
    key(r.getKey());
    value("expected_value", r.getExpectedValue());
    value("new_value", r.getNewValue());
    if (!r.getExpectPresent() && !r.getExpectedValue().isEmpty()) {
      throw new InvalidRequestException("expected_value given but expect_present is false: set expect_present to compare"
          + " with a value, or leave expected_value empty to require an absent key");
    }
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
  }

  private static void consistency(Consistency c) {
    if (c == Consistency.UNRECOGNIZED) {
      throw new InvalidRequestException("unknown consistency: use LINEARIZABLE (0) or SERIALIZABLE (1)");
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
