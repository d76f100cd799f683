package io.kuorum.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** One change a watch saw: the key was put (with its new value) or deleted, at {@link #revision()}. */
public sealed interface WatchEvent permits WatchEvent.Put, WatchEvent.Delete {

  /** The log index that applied the change. */
  long revision();

  byte[] key();

  /** The key decoded as UTF-8. */
  default String keyUtf8() {
    return new String(key(), StandardCharsets.UTF_8);
  }

  /** A put or a successful compare-and-set: the key now holds {@code kv}. */
  record Put(KeyValue kv) implements WatchEvent {
    public Put {
      Objects.requireNonNull(kv, "kv");
    }

    @Override
    public long revision() {
      return kv.revision();
    }

    @Override
    public byte[] key() {
      return kv.key();
    }
  }

  /** A delete of a key that was present. */
  record Delete(byte[] key, long revision) implements WatchEvent {
    public Delete {
      key = Objects.requireNonNull(key, "key").clone();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Delete other && revision == other.revision && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + Long.hashCode(revision);
    }

    @Override
    public String toString() {
      return "Delete[" + keyUtf8() + ", revision=" + revision + "]";
    }
  }
}
