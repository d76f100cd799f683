package io.kuorum.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks that a key-value history is linearizable, each key being an independent register that starts absent.
 *
 * <p>Keys are checked one at a time (P-compositionality: a history is linearizable iff every key's sub-history
 * is). Each key uses the Wing &amp; Gong / Lowe depth-first search for a linearization, memoizing every visited
 * (set of linearized ops, register value) pair so no configuration is explored twice, as Porcupine does.
 *
 * <p>Ops with an unknown outcome may take effect at any time after their invocation, or never: the search
 * succeeds once every completed op is placed. Unknown Gets are ignored (a read has no effect).
 */
public final class LinearizabilityChecker {

  /** Enough for thousands of ops per key at the simulator's concurrency; a few hundred MB of memo at worst. */
  public static final long DEFAULT_MAX_STATES_PER_KEY = 2_000_000;

  private final long maxStatesPerKey;

  public LinearizabilityChecker() {
    this(DEFAULT_MAX_STATES_PER_KEY);
  }

  /** @param maxStatesPerKey search budget per key: beyond it the result is {@link CheckResult.Inconclusive} */
  public LinearizabilityChecker(long maxStatesPerKey) {
    if (maxStatesPerKey < 1) {
      throw new IllegalArgumentException("maxStatesPerKey must be positive: " + maxStatesPerKey);
    }
    this.maxStatesPerKey = maxStatesPerKey;
  }

  public CheckResult check(List<Operation> history) {
    Map<String, List<Operation>> byKey = new TreeMap<>(); // sorted: results do not depend on map order
    for (Operation op : history) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    // A definite violation on any key beats "gave up" on another: it is what the human needs to see.
    Optional<CheckResult> inconclusive = Optional.empty();
    for (Map.Entry<String, List<Operation>> entry : byKey.entrySet()) {
      CheckResult result = new KeySearch(entry.getKey(), entry.getValue(), maxStatesPerKey).run();
      if (result instanceof CheckResult.Violation) {
        return result;
      }
      if (result instanceof CheckResult.Inconclusive && inconclusive.isEmpty()) {
        inconclusive = Optional.of(result);
      }
    }
    return inconclusive.orElseGet(() -> new CheckResult.Linearizable(history.size(), byKey.size()));
  }

  /** The search over one key's sub-history. Ops are indexed by invocation order; values are interned to ints. */
  private static final class KeySearch {
    private static final int PUT = 0;
    private static final int GET = 1;
    private static final int CAS = 2;
    private static final int ABSENT = 0;
    /** How many steps of the longest prefix to print: the end is where the bug shows. */
    private static final int PREFIX_SHOWN = 25;

    private final String key;
    private final List<Operation> all;
    private final long budget;
    private final List<String> ignored = new ArrayList<>();

    // The ops taking part in the search, sorted by invocation time, as parallel arrays for speed.
    private final Operation[] ops;
    private final int n;
    private final int[] kind;
    private final int[] arg;       // Put: the value; Cas: the expected value
    private final int[] newValue;  // Cas: the new value
    private final int[] result;    // Get: the value read; Cas: 1 = succeeded, 0 = failed
    private final boolean[] known; // completed with a definite output (else: unknown outcome)
    private final long[] invokedAt;
    private final long[] returnedAt;

    // Completed ops by return time: the earliest-returning one not yet placed bounds which ops may go next.
    private final int knownCount;
    private final int[] byReturn;
    private final int[] returnRank;

    private final Map<Optional<String>, Integer> valueIds = new HashMap<>();
    private final List<Optional<String>> values = new ArrayList<>();

    private final BitSet linearized = new BitSet();
    private final BitSet linearizedRanks = new BitSet();

    // The deepest point reached (most completed ops placed), kept to explain a violation.
    private int bestKnownPlaced = -1;
    private int[] bestPath = new int[0];
    private int bestState = ABSENT;

    KeySearch(String key, List<Operation> all, long budget) {
      this.key = key;
      this.all = all;
      this.budget = budget;
      intern(Optional.empty()); // id 0 = ABSENT

      List<Operation> relevant = relevantOps();
      relevant.sort(Comparator.comparingLong(Operation::invokedAt).thenComparingLong(Operation::id));
      ops = relevant.toArray(new Operation[0]);
      n = ops.length;
      kind = new int[n];
      arg = new int[n];
      newValue = new int[n];
      result = new int[n];
      known = new boolean[n];
      invokedAt = new long[n];
      returnedAt = new long[n];
      int count = 0;
      for (int i = 0; i < n; i++) {
        Operation op = ops[i];
        invokedAt[i] = op.invokedAt();
        returnedAt[i] = op.returnedAt();
        known[i] = !op.isUnknown();
        if (op.input() instanceof KvInput.Put put) {
          kind[i] = PUT;
          arg[i] = intern(Optional.of(put.value()));
        } else if (op.input() instanceof KvInput.Cas cas) {
          kind[i] = CAS;
          arg[i] = intern(cas.expected());
          newValue[i] = intern(Optional.of(cas.newValue()));
          if (op.output().isPresent()) {
            result[i] = ((KvOutput.CasResult) op.output().get()).succeeded() ? 1 : 0;
          }
        } else {
          kind[i] = GET;
          result[i] = intern(((KvOutput.GetResult) op.output().orElseThrow()).value());
        }
        if (known[i]) {
          count++;
        }
      }
      knownCount = count;
      byReturn = new int[knownCount];
      returnRank = new int[n];
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong(i -> returnedAt[i])); // unknown ops (MAX_VALUE) sort last
      for (int r = 0; r < n; r++) {
        returnRank[order[r]] = r;
        if (r < knownCount) {
          byReturn[r] = order[r];
        }
      }
    }

    /**
     * Drops ops that cannot change the verdict, because each unknown op multiplies the configurations to search:
     * unknown Gets (no effect), and unknown writes of a value nobody ever observed when no failed Cas could have
     * been linearized after them (such a write, if it happened, was overwritten unseen).
     */
    private List<Operation> relevantOps() {
      Set<String> observed = new HashSet<>();
      long lastFailedCasReturn = Long.MIN_VALUE;
      for (Operation op : all) {
        if (op.input() instanceof KvInput.Cas cas) {
          cas.expected().ifPresent(observed::add);
          if (op.output().equals(Optional.of(new KvOutput.CasResult(false)))) {
            lastFailedCasReturn = Math.max(lastFailedCasReturn, op.returnedAt());
          }
        }
        if (op.output().isPresent() && op.output().get() instanceof KvOutput.GetResult get) {
          get.value().ifPresent(observed::add);
        }
      }
      List<Operation> relevant = new ArrayList<>();
      for (Operation op : all) {
        if (op.isUnknown() && op.input() instanceof KvInput.Get) {
          ignored.add("#" + op.id() + " (unknown outcome: a read has no effect)");
        } else if (op.isUnknown() && !observed.contains(writtenValue(op.input()).orElseThrow())
            && lastFailedCasReturn < op.invokedAt()) {
          ignored.add("#" + op.id() + " (unknown outcome: nobody observed the value it would write)");
        } else {
          relevant.add(op);
        }
      }
      return relevant;
    }

    private static Optional<String> writtenValue(KvInput input) {
      if (input instanceof KvInput.Put put) {
        return Optional.of(put.value());
      }
      if (input instanceof KvInput.Cas cas) {
        return Optional.of(cas.newValue());
      }
      return Optional.empty();
    }

    private int intern(Optional<String> value) {
      return valueIds.computeIfAbsent(value, v -> {
        values.add(v);
        return values.size() - 1;
      });
    }

    CheckResult run() {
      Optional<CheckResult> impossible = readOfUnwrittenValue();
      if (impossible.isPresent()) {
        return impossible.get();
      }
      if (knownCount == 0) {
        return new CheckResult.Linearizable(all.size(), 1);
      }
      Set<MemoKey> seen = new HashSet<>();
      Deque<Frame> stack = new ArrayDeque<>();
      int[] path = new int[n];
      int depth = 0;
      int state = ABSENT;
      int knownPlaced = 0;
      long explored = 0;
      recordIfDeepest(knownPlaced, path, depth, state);
      stack.push(expand(state, -1, ABSENT));
      while (true) {
        Frame frame = stack.peek();
        if (frame.next == frame.ops.length) { // dead end: undo the op that led here
          stack.pop();
          if (stack.isEmpty()) {
            return violation();
          }
          unplace(frame.via);
          state = frame.stateBefore;
          knownPlaced -= known[frame.via] ? 1 : 0;
          depth--;
          continue;
        }
        int op = frame.ops[frame.next];
        int next = frame.states[frame.next];
        frame.next++;
        place(op);
        if (!seen.add(new MemoKey(linearized.toLongArray(), next))) {
          unplace(op); // this exact configuration was already explored and failed
          continue;
        }
        if (++explored > budget) {
          return new CheckResult.Inconclusive(key, explored - 1);
        }
        int before = state;
        state = next;
        knownPlaced += known[op] ? 1 : 0;
        path[depth++] = op;
        if (knownPlaced == knownCount) {
          return new CheckResult.Linearizable(all.size(), 1);
        }
        recordIfDeepest(knownPlaced, path, depth, state);
        stack.push(expand(state, op, before));
      }
    }

    /** The model: the register value after op {@code i} at {@code state}, or -1 if it cannot happen there. */
    private int step(int state, int i) {
      boolean unknown = !known[i];
      switch (kind[i]) {
        case PUT:
          // An unknown write that changes nothing is the same as never placing it: skip it to save work.
          return unknown && state == arg[i] ? -1 : arg[i];
        case GET:
          return state == result[i] ? state : -1;
        default: // CAS
          boolean matches = state == arg[i];
          if (unknown) {
            return matches && state != newValue[i] ? newValue[i] : -1;
          }
          if (result[i] == 1) {
            return matches ? newValue[i] : -1;
          }
          return matches ? -1 : state;
      }
    }

    /**
     * Completed ops that cannot change the value (Gets, failed Cas). If one fits now, placing it now is never
     * worse than later: it leaves the value as is and only relaxes the deadline for the rest. So take it alone.
     */
    private boolean readOnly(int i) {
      return known[i] && (kind[i] == GET || (kind[i] == CAS && result[i] == 0));
    }

    /** The return time of the earliest-returning completed op not yet placed: no op invoked after it can go next. */
    private long deadline() {
      int rank = linearizedRanks.nextClearBit(0);
      return rank < knownCount ? returnedAt[byReturn[rank]] : Long.MAX_VALUE;
    }

    /** The ops that may be placed next, most constrained (earliest return) first, unknown ops last. */
    private Frame expand(int state, int via, int stateBefore) {
      long deadline = deadline();
      int[] candidates = new int[8];
      int[] states = new int[8];
      int count = 0;
      for (int i = linearized.nextClearBit(0); i < n && invokedAt[i] <= deadline; i = linearized.nextClearBit(i + 1)) {
        int next = step(state, i);
        if (next < 0) {
          continue;
        }
        if (readOnly(i)) {
          return new Frame(new int[] {i}, new int[] {next}, via, stateBefore);
        }
        if (count == candidates.length) {
          candidates = Arrays.copyOf(candidates, count * 2);
          states = Arrays.copyOf(states, count * 2);
        }
        // insertion sort by return time; equal times keep invocation order (unknown ops all return at +inf)
        int j = count++;
        while (j > 0 && returnedAt[candidates[j - 1]] > returnedAt[i]) {
          candidates[j] = candidates[j - 1];
          states[j] = states[j - 1];
          j--;
        }
        candidates[j] = i;
        states[j] = next;
      }
      return new Frame(Arrays.copyOf(candidates, count), Arrays.copyOf(states, count), via, stateBefore);
    }

    private void place(int i) {
      linearized.set(i);
      if (known[i]) {
        linearizedRanks.set(returnRank[i]);
      }
    }

    private void unplace(int i) {
      linearized.clear(i);
      if (known[i]) {
        linearizedRanks.clear(returnRank[i]);
      }
    }

    private void recordIfDeepest(int knownPlaced, int[] path, int depth, int state) {
      if (knownPlaced > bestKnownPlaced) {
        bestKnownPlaced = knownPlaced;
        bestPath = Arrays.copyOf(path, depth);
        bestState = state;
      }
    }

    /** A completed read of a value no op on this key ever writes: no search needed, and a clearer message. */
    private Optional<CheckResult> readOfUnwrittenValue() {
      Set<Integer> written = new HashSet<>();
      written.add(ABSENT);
      for (Operation op : all) {
        writtenValue(op.input()).ifPresent(v -> written.add(intern(Optional.of(v))));
      }
      for (int i = 0; i < n; i++) {
        if (!known[i]) {
          continue;
        }
        if (kind[i] == GET && !written.contains(result[i])) {
          return Optional.of(violation(ops[i].describe() + " read " + KvInput.show(values.get(result[i]))
              + ", a value that no operation on key \"" + key + "\" ever wrote."));
        }
        if (kind[i] == CAS && result[i] == 1 && !written.contains(arg[i])) {
          return Optional.of(violation(ops[i].describe() + " succeeded, so the key held "
              + KvInput.show(values.get(arg[i])) + ", a value that no operation on key \"" + key + "\" ever wrote."));
        }
      }
      return Optional.empty();
    }

    private CheckResult violation(String explanation) {
      return new CheckResult.Violation(key, all, explanation + ignoredNote());
    }

    /** Explains the failed search from its deepest point, where every op that could go next was refused. */
    private CheckResult violation() {
      StringBuilder sb = new StringBuilder();
      sb.append("No valid linearization of the ").append(n).append(" relevant operations on key \"").append(key)
          .append("\" (").append(knownCount).append(" completed, ").append(n - knownCount)
          .append(" with unknown outcome).\n");
      sb.append("Longest linearizable prefix found places ").append(bestKnownPlaced).append(" of ")
          .append(knownCount).append(" completed operations");
      sb.append(bestPath.length == 0 ? " (none: not even the first operation fits)\n" : ":\n");
      int state = ABSENT;
      linearized.clear();
      linearizedRanks.clear();
      for (int step = 0; step < bestPath.length; step++) {
        int i = bestPath[step];
        state = step(state, i);
        place(i);
        if (step == bestPath.length - PREFIX_SHOWN && step > 0) {
          sb.append("   ... (").append(step).append(" earlier steps)\n");
        }
        if (step >= bestPath.length - PREFIX_SHOWN) {
          sb.append(String.format("  %4d. %s   => %s%n", step + 1, ops[i].describe(),
              KvInput.show(values.get(state))));
        }
      }
      long deadline = deadline();
      int blocker = byReturn[linearizedRanks.nextClearBit(0)];
      sb.append("Then the key holds ").append(KvInput.show(values.get(bestState)))
          .append(", and no operation can be placed next. ").append(ops[blocker].describe())
          .append(" returned at ").append(deadline)
          .append(", so the next operation must be one invoked by then, but each of these is refused:\n");
      int unknownCandidates = 0;
      for (int i = linearized.nextClearBit(0); i < n && invokedAt[i] <= deadline; i = linearized.nextClearBit(i + 1)) {
        if (!known[i]) {
          unknownCandidates++;
        } else {
          sb.append("  ").append(ops[i].describe()).append(": ").append(whyRefused(bestState, i)).append('\n');
        }
      }
      if (unknownCandidates > 0) {
        sb.append("  (and placing any of the ").append(unknownCandidates)
            .append(" pending ops with unknown outcome first does not help)\n");
      }
      return violation(sb.toString());
    }

    private String whyRefused(int state, int i) {
      String holds = KvInput.show(values.get(state));
      if (step(state, i) >= 0) {
        return "fits here, but every continuation from it fails";
      }
      if (kind[i] == GET) {
        return "it read " + KvInput.show(values.get(result[i])) + " but the key holds " + holds;
      }
      String expected = KvInput.show(values.get(arg[i]));
      return result[i] == 1
          ? "it succeeded, so the key must hold " + expected + ", but it holds " + holds
          : "it failed, so the key must not hold " + expected + ", but it does";
    }

    private String ignoredNote() {
      return ignored.isEmpty() ? "" : "\nIgnored as irrelevant: " + String.join(", ", ignored) + ".";
    }
  }

  /** One node of the depth-first search: the ops to try after placing {@code via}. */
  private static final class Frame {
    final int[] ops;
    final int[] states;
    final int via;
    final int stateBefore;
    int next;

    Frame(int[] ops, int[] states, int via, int stateBefore) {
      this.ops = ops;
      this.states = states;
      this.via = via;
      this.stateBefore = stateBefore;
    }
  }

  /** A configuration already explored: which ops are placed, and the register value. */
  private record MemoKey(long[] placed, int state) {
    @Override
    public boolean equals(Object o) {
      return o instanceof MemoKey other && state == other.state && Arrays.equals(placed, other.placed);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(placed) + state;
    }
  }
}
