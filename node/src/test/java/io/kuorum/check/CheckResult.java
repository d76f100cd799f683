package io.kuorum.check;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The verdict of {@link LinearizabilityChecker#check}. Only {@link Linearizable} is a pass. */
public sealed interface CheckResult {

  /** Every key's sub-history has a valid linearization. */
  record Linearizable(int operations, int keys) implements CheckResult {
    @Override
    public String describe() {
      return "linearizable: " + operations + " operations on " + keys + " keys";
    }
  }

  /** The sub-history of {@code key} has no valid linearization. */
  record Violation(String key, List<Operation> operationsOfKey, String explanation) implements CheckResult {
    public Violation {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(explanation, "explanation");
      operationsOfKey = operationsOfKey.stream()
          .sorted(Comparator.comparingLong(Operation::invokedAt).thenComparingLong(Operation::id))
          .toList();
    }

    @Override
    public String describe() {
      StringBuilder sb = new StringBuilder();
      sb.append("NOT linearizable: key \"").append(key).append("\"\n")
          .append(explanation.strip()).append('\n')
          .append("All ").append(operationsOfKey.size()).append(" operations on key \"").append(key)
          .append("\" in invocation order (#id client [invoked..returned] input -> output):\n");
      for (Operation op : operationsOfKey) {
        sb.append("  ").append(op.describe()).append('\n');
      }
      return sb.toString();
    }
  }

  /** The search budget ran out on {@code key}: callers treat this as a failure, never as a success. */
  record Inconclusive(String key, long statesExplored) implements CheckResult {
    public Inconclusive {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String describe() {
      return "INCONCLUSIVE: the linearizability search on key \"" + key + "\" gave up after " + statesExplored
          + " states (budget exceeded); treat as a failure, or check a smaller history / raise the budget";
    }
  }

  default boolean isLinearizable() {
    return this instanceof Linearizable;
  }

  /** Human-readable, for a test failure message. */
  String describe();
}
