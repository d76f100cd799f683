package io.kuorum.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The check for serializable reads, which a member answers from its own state and which may therefore
 * be stale: they are not linearizable, but they are never invented. A member's state is the result of
 * a prefix of the committed log, so a value read was written by a write on that key which
 *
 * <ul>
 *   <li>was invoked before the read returned (no value from the future),
 *   <li>did not fail for sure (a failed op never reached the log, or its entry was overwritten), and
 *   <li>if it was a compare-and-set, was not answered "not swapped".
 * </ul>
 *
 * An absent value is always possible (a member that has applied nothing yet for that key: keys are
 * never deleted here, but a member may lag behind the first write). Values must be unique per write,
 * as the simulation's are, for the check to pin each read to its write.
 */
public final class SerializableReadChecker {

  private SerializableReadChecker() {}

  /** {@code writes}: the history's other operations ({@link History#operations()}); {@code reads}: its serializable reads. */
  public static CheckResult check(List<Operation> writes, List<Operation> reads) {
    Map<String, List<Operation>> writersByValue = new HashMap<>();
    for (Operation op : writes) {
      written(op).ifPresent(v -> writersByValue.computeIfAbsent(op.key() + '\u0000' + v, k -> new ArrayList<>()).add(op));
    }
    for (Operation read : reads) {
      Optional<String> value = ((KvOutput.GetResult) read.output().orElseThrow()).value();
      if (value.isEmpty()) continue;
      List<Operation> writers = writersByValue.getOrDefault(read.key() + '\u0000' + value.get(), List.of());
      boolean possible = writers.stream().anyMatch(w -> w.invokedAt() <= read.returnedAt());
      if (!possible) {
        List<Operation> ofKey = new ArrayList<>(writers);
        ofKey.add(read);
        return new CheckResult.Violation(read.key(), ofKey, "serializable read #" + read.id() + " returned "
            + KvInput.show(value) + ", which no write that could have succeeded had set before the read returned"
            + (writers.isEmpty() ? " (no write of that value at all)" : ""));
      }
    }
    return new CheckResult.Linearizable(reads.size(), (int) reads.stream().map(Operation::key).distinct().count());
  }

  /** The value {@code op} may have written: a put's, or a compare-and-set's not known to have failed. */
  private static Optional<String> written(Operation op) {
    if (op.input() instanceof KvInput.Put p) return Optional.of(p.value());
    if (op.input() instanceof KvInput.Cas c) {
      boolean refused = op.output().map(o -> !((KvOutput.CasResult) o).succeeded()).orElse(false);
      return refused ? Optional.empty() : Optional.of(c.newValue());
    }
    return Optional.empty();
  }
}
