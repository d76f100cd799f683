package io.kuorum.watch;

import com.google.protobuf.ByteString;

/** Which keys a watch is about: one exact key, or every key starting with a prefix. */
public sealed interface KeySelector permits KeySelector.ExactKey, KeySelector.Prefix {

  boolean matches(ByteString key);

  /** The key or the prefix. */
  ByteString bytes();

  record ExactKey(ByteString bytes) implements KeySelector {
    public ExactKey {
      if (bytes.isEmpty()) throw new IllegalArgumentException("an exact key must not be empty");
    }

    @Override
    public boolean matches(ByteString key) {
      return bytes.equals(key);
    }
  }

  /** An empty prefix selects every key. */
  record Prefix(ByteString bytes) implements KeySelector {
    @Override
    public boolean matches(ByteString key) {
      return key.startsWith(bytes);
    }
  }
}
