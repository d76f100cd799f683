package io.kuorum.check;

import java.util.Objects;
import java.util.Optional;

/** What a client asked for on one key. */
public sealed interface KvInput {

  /** Sets the key's value. */
  record Put(String value) implements KvInput {
    public Put {
      Objects.requireNonNull(value, "value");
    }
  }

  /** Reads the key's current value. */
  record Get() implements KvInput {}

  /** Compare-and-set: succeeds iff the current value equals {@code expected} (Optional.empty() = key absent). */
  record Cas(Optional<String> expected, String newValue) implements KvInput {
    public Cas {
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(newValue, "newValue");
    }
  }

  // A Delete can be modelled by callers as a Put of a tombstone value; there are deliberately no more kinds.

  /** Short form for failure messages, e.g. {@code Put("a")}, {@code Cas(absent -> "b")}. */
  static String show(KvInput input) {
    if (input instanceof Put put) {
      return "Put(" + quote(put.value()) + ")";
    }
    if (input instanceof Cas cas) {
      return "Cas(" + show(cas.expected()) + " -> " + quote(cas.newValue()) + ")";
    }
    return "Get()";
  }

  /** A register value as shown in messages: quoted, or {@code absent}. */
  static String show(Optional<String> value) {
    return value.map(KvInput::quote).orElse("absent");
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }
}
