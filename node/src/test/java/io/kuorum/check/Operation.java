package io.kuorum.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One client operation on one key, as recorded by {@link History}.
 *
 * @param returnedAt {@link Long#MAX_VALUE} when the outcome is unknown
 * @param output empty when the outcome is unknown
 */
public record Operation(
    long id,
    int clientId,
    String key,
    KvInput input,
    long invokedAt,
    long returnedAt,
    Optional<KvOutput> output) {

  /** The return time of an operation whose outcome is unknown: it may take effect at any time after invocation. */
  public static final long UNKNOWN_RETURN = Long.MAX_VALUE;

  public Operation {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    // Catch harness bugs early: a malformed history would otherwise show up as a confusing "violation".
    if (output.isEmpty() != (returnedAt == UNKNOWN_RETURN)) {
      throw new IllegalArgumentException(
          "op " + id + ": an output must be present exactly when the return time is known");
    }
    if (returnedAt < invokedAt) {
      throw new IllegalArgumentException(
          "op " + id + ": returned at " + returnedAt + " before it was invoked at " + invokedAt);
    }
    if (output.isPresent() && !KvOutput.answers(input, output.get())) {
      throw new IllegalArgumentException("op " + id + ": " + output.get() + " cannot answer " + input);
    }
  }

  /** An operation that completed with a definite answer. */
  public static Operation ok(
      long id, int clientId, String key, KvInput input, long invokedAt, long returnedAt, KvOutput output) {
    return new Operation(id, clientId, key, input, invokedAt, returnedAt, Optional.of(output));
  }

  /** An operation that may or may not have taken effect, at any time after its invocation. */
  public static Operation unknown(long id, int clientId, String key, KvInput input, long invokedAt) {
    return new Operation(id, clientId, key, input, invokedAt, UNKNOWN_RETURN, Optional.empty());
  }

  public boolean isUnknown() {
    return output.isEmpty();
  }

  /** One line for failure messages, e.g. {@code #12 client 3 [105..230] Get() -> "a"}. */
  public String describe() {
    String end = isUnknown() ? "?" : Long.toString(returnedAt);
    String result = output.map(KvOutput::show).orElse("unknown");
    return "#" + id + " client " + clientId + " [" + invokedAt + ".." + end + "] "
        + KvInput.show(input) + " -> " + result;
  }
}
