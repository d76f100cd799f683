package io.kuorum.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** What a watch follows: one key, or every key starting with a prefix. Arrays are copied, so instances are immutable. */
public sealed interface WatchTarget permits WatchTarget.Key, WatchTarget.Prefix {

  /** The key, or the prefix. */
  byte[] bytes();

  /** Exactly this key, which must not be empty. */
  static WatchTarget key(String key) {
    return new Key(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Every key starting with {@code prefix}; the empty prefix is every key. */
  static WatchTarget prefix(String prefix) {
    return new Prefix(prefix.getBytes(StandardCharsets.UTF_8));
  }

  final class Key implements WatchTarget {
    private final byte[] key;

    public Key(byte[] key) {
      if (Objects.requireNonNull(key, "key").length == 0) {
        throw new IllegalArgumentException("the key to watch must not be empty; to watch every key, watch the empty prefix");
      }
      this.key = key.clone();
    }

    @Override
    public byte[] bytes() {
      return key.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "key " + new String(key, StandardCharsets.UTF_8);
    }
  }

  final class Prefix implements WatchTarget {
    private final byte[] prefix;

    public Prefix(byte[] prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix").clone();
    }

    @Override
    public byte[] bytes() {
      return prefix.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Prefix other && Arrays.equals(prefix, other.prefix);
    }

    @Override
    public int hashCode() {
      return 31 + Arrays.hashCode(prefix);
    }

    @Override
    public String toString() {
      return "prefix " + new String(prefix, StandardCharsets.UTF_8);
    }
  }
}
