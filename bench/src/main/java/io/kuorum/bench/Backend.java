package io.kuorum.bench;

/**
 * One connection to a system under test: what one client object of that system's own Java client
 * does. Every call blocks until the system answered and throws (a {@link RuntimeException}) when the
 * operation failed; the load generator counts it as failed and goes on.
 */
public interface Backend extends AutoCloseable {

  /** Sets {@code key} to {@code value}; returns once the system acknowledged the write. */
  void put(byte[] key, byte[] value);

  /** Reads {@code key} at {@code level}; whether the key exists does not matter. */
  void get(byte[] key, ReadLevel level);

  @Override
  void close();
}
