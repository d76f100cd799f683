package io.kuorum.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key, its value and the revision (log index) of the write that set it. The arrays are copied
 * in and out, so an instance is immutable and compares by content.
 */
public record KeyValue(byte[] key, byte[] value, long revision) {

  public KeyValue {
    key = Objects.requireNonNull(key, "key").clone();
    value = Objects.requireNonNull(value, "value").clone();
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The key decoded as UTF-8. */
  public String keyUtf8() {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** The value decoded as UTF-8. */
  public String valueUtf8() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue other
        && revision == other.revision
        && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(key) + Arrays.hashCode(value)) + Long.hashCode(revision);
  }

  @Override
  public String toString() {
    return "KeyValue[" + keyUtf8() + "=" + valueUtf8() + ", revision=" + revision + "]";
  }
}
