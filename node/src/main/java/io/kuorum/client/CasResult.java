package io.kuorum.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of a compare-and-set.
 *
 * @param succeeded whether the new value was written
 * @param previousValue what the key held before the call; empty when it was absent
 * @param revision revision (log index) at which the call was applied
 */
public record CasResult(boolean succeeded, Optional<byte[]> previousValue, long revision) {

  public CasResult {
    previousValue = Objects.requireNonNull(previousValue, "previousValue").map(byte[]::clone);
  }

  @Override
  public Optional<byte[]> previousValue() {
    return previousValue.map(byte[]::clone);
  }

  /** The previous value decoded as UTF-8. */
  public Optional<String> previousValueUtf8() {
    return previousValue.map(v -> new String(v, StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CasResult other
        && succeeded == other.succeeded
        && revision == other.revision
        && previousValue.isPresent() == other.previousValue.isPresent()
        && Arrays.equals(previousValue.orElse(null), other.previousValue.orElse(null));
  }

  @Override
  public int hashCode() {
    return Objects.hash(succeeded, revision, previousValue.map(Arrays::hashCode));
  }

  @Override
  public String toString() {
    return "CasResult[succeeded=" + succeeded + ", previousValue="
        + previousValueUtf8().orElse("<absent>") + ", revision=" + revision + "]";
  }
}
