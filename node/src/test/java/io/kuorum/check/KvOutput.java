package io.kuorum.check;

import java.util.Objects;
import java.util.Optional;

/** What the client saw. */
public sealed interface KvOutput {

  /** The Put was applied. */
  record PutDone() implements KvOutput {}

  /** The value a Get read (Optional.empty() = key absent). */
  record GetResult(Optional<String> value) implements KvOutput {
    public GetResult {
      Objects.requireNonNull(value, "value");
    }
  }

  /** Whether a Cas swapped the value. */
  record CasResult(boolean succeeded) implements KvOutput {}

  /** True iff this kind of output can answer that kind of input (PutDone for Put, and so on). */
  static boolean answers(KvInput input, KvOutput output) {
    return (input instanceof KvInput.Put && output instanceof PutDone)
        || (input instanceof KvInput.Get && output instanceof GetResult)
        || (input instanceof KvInput.Cas && output instanceof CasResult);
  }

  /** Short form for failure messages, e.g. {@code ok}, {@code "a"}, {@code absent}, {@code true}. */
  static String show(KvOutput output) {
    if (output instanceof GetResult get) {
      return KvInput.show(get.value());
    }
    if (output instanceof CasResult cas) {
      return String.valueOf(cas.succeeded());
    }
    return "ok";
  }
}
