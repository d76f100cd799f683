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
 * succeeds once every completed op is placed. Unknown Gets are ignored (a read has no effect). Unknown ops are
 * what makes the search expensive, so sound reductions keep them cheap (best when written values are unique):
 * <ul>
 *   <li>an unknown write whose value a completed op read, and that no other op wrote, certainly took effect
 *       before that read returned: it is checked as a completed op with that deadline;
 *   <li>values no op can observe (no Get returned them, no Cas expects them) are all the same to the model, so
 *       they share one register state, and an unknown write of one is only tried right before a failed Cas
 *       that needs it (anywhere else it would be overwritten unseen);
 *   <li>unknown ops with the same effect are interchangeable: only the earliest-invoked pending one is tried.
 * </ul>
 * Completed reads (Gets, failed Cas) that fit the current value are placed at once, without branching.
 * {@code LinearizabilityCheckerTest} cross-checks all this against a brute-force search on small histories.
 */
public final class LinearizabilityChecker {

  /** Plenty for thousands of ops per key at the simulator's concurrency; a few hundred MB of memo at worst. */
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
      Optional<CheckResult> failure = new KeySearch(entry.getKey(), entry.getValue(), maxStatesPerKey).run();
      if (failure.isPresent() && failure.get() instanceof CheckResult.Violation) {
        return failure.get();
      }
      if (inconclusive.isEmpty()) {
        inconclusive = failure;
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
    /** The register state for any value that no op can observe. */
    private static final int UNSEEN = 1;
    /** How many steps of the longest prefix to print: the end is where the bug shows. */
    private static final int PREFIX_SHOWN = 25;

    private final String key;
    private final List<Operation> all;
    private final long budget;
    private final List<String> notes = new ArrayList<>();
    private final Set<String> written = new HashSet<>();
    private final Set<String> observable = new HashSet<>();
    private final Map<String, Integer> valueIds = new HashMap<>();

    // The ops taking part in the search, sorted by invocation time, as parallel arrays for speed.
    private final Operation[] ops;
    private final int n;
    private final int[] kind;
    private final int[] arg;        // Put: the value; Cas: the expected value
    private final int[] newValue;   // Cas: the new value
    private final int[] result;     // Get: the value read; Cas: 1 = succeeded, 0 = failed
    private final boolean[] known;  // must take effect, by returnedAt (else: may take effect any time, or never)
    private final long[] invokedAt;
    private final long[] returnedAt;
    private final int[] effectClass; // unknown ops with equal classes have the same effect on the register

    // Known ops by return time: the earliest-returning one not yet placed bounds which ops may go next.
    private final int knownCount;
    private final int[] byReturn;
    private final int[] returnRank;

    private final BitSet linearized = new BitSet();
    private final BitSet linearizedRanks = new BitSet();
    private final int[] classOffered;
    private int expansions;

    // The deepest point reached (most known ops placed), kept to explain a violation.
    private int bestKnownPlaced = -1;
    private int[] bestPath = new int[0];

    KeySearch(String key, List<Operation> all, long budget) {
      this.key = key;
      this.all = all;
      this.budget = budget;

      List<Operation> relevant = new ArrayList<>();
      Map<String, Integer> writers = new HashMap<>();
      Map<String, Operation> firstReader = new HashMap<>(); // earliest-returning completed op that saw a value
      for (Operation op : all) {
        if (op.isUnknown() && op.input() instanceof KvInput.Get) {
          notes.add("#" + op.id() + " is ignored: a read with an unknown outcome has no effect.");
          continue;
        }
        relevant.add(op);
        writtenValue(op.input()).ifPresent(v -> {
          written.add(v);
          writers.merge(v, 1, Integer::sum);
        });
        if (op.input() instanceof KvInput.Cas cas) {
          cas.expected().ifPresent(observable::add);
        }
        sawValue(op).ifPresent(v -> {
          observable.add(v);
          firstReader.merge(v, op, (a, b) -> a.returnedAt() <= b.returnedAt() ? a : b);
        });
      }
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
      effectClass = new int[n];
      Map<List<Integer>, Integer> classes = new HashMap<>();
      int count = 0;
      for (int i = 0; i < n; i++) {
        Operation op = ops[i];
        invokedAt[i] = op.invokedAt();
        returnedAt[i] = op.returnedAt();
        known[i] = !op.isUnknown();
        if (op.input() instanceof KvInput.Put put) {
          kind[i] = PUT;
          arg[i] = valueId(Optional.of(put.value()));
        } else if (op.input() instanceof KvInput.Cas cas) {
          kind[i] = CAS;
          arg[i] = valueId(cas.expected());
          newValue[i] = valueId(Optional.of(cas.newValue()));
          result[i] = op.output().map(o -> ((KvOutput.CasResult) o).succeeded() ? 1 : 0).orElse(0);
        } else {
          kind[i] = GET;
          result[i] = valueId(((KvOutput.GetResult) op.output().orElseThrow()).value());
        }
        Optional<String> value = writtenValue(op.input());
        if (!known[i] && value.isPresent() && writers.get(value.get()) == 1 && firstReader.containsKey(value.get())) {
          // Only this op wrote what a completed op read: it took effect, before that reader returned.
          Operation reader = firstReader.get(value.get());
          known[i] = true;
          returnedAt[i] = Math.max(reader.returnedAt(), op.invokedAt());
          result[i] = 1;
          notes.add("#" + op.id() + " has an unknown outcome, but #" + reader.id() + " read its value, so it took"
              + " effect by t=" + reader.returnedAt() + ".");
        }
        effectClass[i] = known[i] ? -1
            : classes.computeIfAbsent(List.of(kind[i], arg[i], newValue[i]), c -> classes.size());
        count += known[i] ? 1 : 0;
      }
      classOffered = new int[classes.size()];
      knownCount = count;
      byReturn = new int[knownCount];
      returnRank = new int[n];
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong(i -> known[i] ? returnedAt[i] : Long.MAX_VALUE));
      for (int r = 0; r < n; r++) {
        returnRank[order[r]] = r;
        if (r < knownCount) {
          byReturn[r] = order[r];
        }
      }
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

    /** The value a completed op proves the register held: what a Get read, what a successful Cas expected. */
    private static Optional<String> sawValue(Operation op) {
      if (op.output().isPresent() && op.output().get() instanceof KvOutput.GetResult get) {
        return get.value();
      }
      if (op.output().equals(Optional.of(new KvOutput.CasResult(true)))) {
        return ((KvInput.Cas) op.input()).expected();
      }
      return Optional.empty();
    }

    private int valueId(Optional<String> value) {
      if (value.isEmpty()) {
        return ABSENT;
      }
      if (!observable.contains(value.get())) {
        return UNSEEN;
      }
      return valueIds.computeIfAbsent(value.get(), v -> valueIds.size() + 2);
    }

    /** Empty if linearizable, else a Violation or Inconclusive result. */
    Optional<CheckResult> run() {
      Optional<CheckResult> impossible = readOfUnwrittenValue();
      if (impossible.isPresent() || knownCount == 0) {
        return impossible;
      }
      Set<MemoKey> seen = new HashSet<>();
      Deque<Frame> stack = new ArrayDeque<>();
      int[] path = new int[n];
      int depth = 0;
      int state = ABSENT;
      int knownPlaced = 0;
      long explored = 0;
      recordIfDeepest(knownPlaced, path, depth);
      stack.push(expand(state, -1, ABSENT));
      while (true) {
        Frame frame = stack.peek();
        if (frame.next == frame.ops.length) { // dead end: undo the op that led here
          stack.pop();
          if (stack.isEmpty()) {
            return Optional.of(violation());
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
          unplace(op); // this exact configuration was already explored, and failed
          continue;
        }
        if (++explored > budget) {
          return Optional.of(new CheckResult.Inconclusive(key, explored - 1));
        }
        int before = state;
        state = next;
        knownPlaced += known[op] ? 1 : 0;
        path[depth++] = op;
        if (knownPlaced == knownCount) {
          return Optional.empty();
        }
        recordIfDeepest(knownPlaced, path, depth);
        stack.push(expand(state, op, before));
      }
    }

    /** The model: the register state after op {@code i} at {@code state}, or -1 if it cannot happen there. */
    private int step(int state, int i) {
      switch (kind[i]) {
        case PUT:
          // An unknown write that changes nothing is the same as never placing it: skip it to save work.
          return !known[i] && state == arg[i] ? -1 : arg[i];
        case GET:
          return state == result[i] ? state : -1;
        default: // CAS
          boolean matches = state == arg[i];
          if (!known[i]) {
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

    /** The return time of the earliest-returning known op not yet placed: no op invoked after it can go next. */
    private long deadline() {
      int rank = linearizedRanks.nextClearBit(0);
      return rank < knownCount ? returnedAt[byReturn[rank]] : Long.MAX_VALUE;
    }

    /** The ops that may be placed next, most constrained (earliest return) first, unknown ops last. */
    private Frame expand(int state, int via, int stateBefore) {
      long deadline = deadline();
      int stamp = ++expansions;
      int[] candidates = new int[8];
      int[] states = new int[8];
      int count = 0;
      boolean failedCasRefused = false;
      for (int i = linearized.nextClearBit(0); i < n && invokedAt[i] <= deadline; i = linearized.nextClearBit(i + 1)) {
        if (!known[i]) {
          if (classOffered[effectClass[i]] == stamp) {
            continue; // an earlier-invoked op with the same effect is already offered, and can go anywhere this can
          }
          classOffered[effectClass[i]] = stamp;
        }
        int next = step(state, i);
        if (next < 0) {
          failedCasRefused |= kind[i] == CAS && readOnly(i);
          continue;
        }
        if (readOnly(i)) {
          return new Frame(new int[] {i}, new int[] {next}, via, stateBefore);
        }
        if (count == candidates.length) {
          candidates = Arrays.copyOf(candidates, count * 2);
          states = Arrays.copyOf(states, count * 2);
        }
        // insertion sort by deadline; ties keep invocation order; unknown ops (no deadline) go last
        long due = known[i] ? returnedAt[i] : Long.MAX_VALUE;
        int j = count++;
        while (j > 0 && (known[candidates[j - 1]] ? returnedAt[candidates[j - 1]] : Long.MAX_VALUE) > due) {
          candidates[j] = candidates[j - 1];
          states[j] = states[j - 1];
          j--;
        }
        candidates[j] = i;
        states[j] = next;
      }
      if (!failedCasRefused) {
        // An unknown write of a value nobody can observe is only worth placing right before a failed Cas that
        // needs the key to hold something else: otherwise the next write overwrites it unseen, and a
        // linearization without it works just as well.
        int kept = 0;
        for (int c = 0; c < count; c++) {
          if (known[candidates[c]] || states[c] != UNSEEN) {
            candidates[kept] = candidates[c];
            states[kept++] = states[c];
          }
        }
        count = kept;
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

    private void recordIfDeepest(int knownPlaced, int[] path, int depth) {
      if (knownPlaced > bestKnownPlaced) {
        bestKnownPlaced = knownPlaced;
        bestPath = Arrays.copyOf(path, depth);
      }
    }

    /** A completed op saw a value no op on this key ever writes: no search needed, and a clearer message. */
    private Optional<CheckResult> readOfUnwrittenValue() {
      for (Operation op : ops) {
        Optional<String> saw = sawValue(op);
        if (saw.isPresent() && !written.contains(saw.get())) {
          String verb = op.input() instanceof KvInput.Get ? " read " : " succeeded, so the key held ";
          return Optional.of(violation(op.describe() + verb + KvInput.show(saw)
              + ", a value that no operation on key \"" + key + "\" ever wrote."));
        }
      }
      return Optional.empty();
    }

    private CheckResult violation(String explanation) {
      String text = explanation.strip() + (notes.isEmpty() ? "" : "\nNotes:\n  " + String.join("\n  ", notes));
      return new CheckResult.Violation(key, all, text);
    }

    /** Explains the failed search from its deepest point, where every op that could go next was refused. */
    private CheckResult violation() {
      StringBuilder sb = new StringBuilder();
      sb.append("No valid linearization of the ").append(n).append(" operations on key \"").append(key)
          .append("\" (").append(knownCount).append(" that must take effect, ").append(n - knownCount)
          .append(" that may or may not).\n");
      sb.append("Longest linearizable prefix found places ").append(bestKnownPlaced).append(" of the ")
          .append(knownCount).append(" operations that must take effect")
          .append(bestPath.length == 0 ? ": not even the first operation fits.\n" : ":\n");
      Optional<String> value = Optional.empty(); // replayed with real values: the search merges unseen ones
      linearized.clear();
      linearizedRanks.clear();
      for (int step = 0; step < bestPath.length; step++) {
        int i = bestPath[step];
        value = apply(i, value);
        place(i);
        if (step == bestPath.length - PREFIX_SHOWN && step > 0) {
          sb.append("   ... (").append(step).append(" earlier steps)\n");
        }
        if (step >= bestPath.length - PREFIX_SHOWN) {
          sb.append(String.format("  %4d. %s   => %s%n", step + 1, ops[i].describe(), KvInput.show(value)));
        }
      }
      int state = bestPath.length == 0 ? ABSENT : replayState();
      long deadline = deadline();
      Operation blocker = ops[byReturn[linearizedRanks.nextClearBit(0)]];
      sb.append("Then the key holds ").append(KvInput.show(value)).append(", and no operation can be placed next: ")
          .append(blocker.describe()).append(" must take effect by t=").append(deadline)
          .append(", so the next one must be invoked by then, but each of these is refused:\n");
      int unknownCandidates = 0;
      for (int i = linearized.nextClearBit(0); i < n && invokedAt[i] <= deadline; i = linearized.nextClearBit(i + 1)) {
        if (known[i]) {
          sb.append("  ").append(ops[i].describe()).append(": ").append(whyRefused(state, value, i)).append('\n');
        } else {
          unknownCandidates++;
        }
      }
      if (unknownCandidates > 0) {
        sb.append("  (and placing any of the ").append(unknownCandidates)
            .append(" pending ops with an unknown outcome first does not help)\n");
      }
      return violation(sb.toString());
    }

    private int replayState() {
      int state = ABSENT;
      for (int i : bestPath) {
        state = step(state, i);
      }
      return state;
    }

    /** Op {@code i} placed on a register holding {@code value}: what a reader would see next. */
    private Optional<String> apply(int i, Optional<String> value) {
      KvInput input = ops[i].input();
      boolean writes = input instanceof KvInput.Put || (input instanceof KvInput.Cas && (result[i] == 1 || !known[i]));
      return writes ? writtenValue(input) : value; // a placed unknown Cas is placed only where it swaps
    }

    private String whyRefused(int state, Optional<String> holds, int i) {
      if (step(state, i) >= 0) {
        return "fits here, but every continuation from it fails";
      }
      if (kind[i] == GET) {
        return "it read " + KvInput.show(sawValue(ops[i])) + " but the key holds " + KvInput.show(holds);
      }
      Optional<String> expected = ((KvInput.Cas) ops[i].input()).expected();
      return result[i] == 1
          ? "it succeeded, so the key must hold " + KvInput.show(expected) + ", but it holds " + KvInput.show(holds)
          : "it failed, so the key must not hold " + KvInput.show(expected) + ", but it does";
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

  /** A configuration already explored: which ops are placed, and the register state. */
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
