package io.kuorum.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearizabilityCheckerTest {

  private static final Optional<String> ABSENT = Optional.empty();

  private final LinearizabilityChecker checker = new LinearizabilityChecker();
  private final Ops h = new Ops();

  // ---------------------------------------------------------------- basics

  @Test
  void emptyHistoryIsLinearizable() {
    assertThat(checker.check(List.of())).isEqualTo(new CheckResult.Linearizable(0, 0));
  }

  @Test
  void sequentialHistoryIsLinearizable() {
    h.getAbsent(1, "k", 0, 1);
    h.put(1, "k", "a", 2, 3);
    h.get(2, "k", "a", 4, 5);
    h.put(2, "k", "b", 6, 7);
    h.cas(3, "k", Optional.of("b"), "c", true, 8, 9);
    h.get(1, "k", "c", 10, 11);

    assertThat(checker.check(h.ops)).isEqualTo(new CheckResult.Linearizable(6, 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "b"})
  void getConcurrentWithAPutMaySeeEitherValue(String seen) {
    h.put(1, "k", "a", 0, 10);
    h.put(2, "k", "b", 20, 40);
    h.get(3, "k", seen, 25, 30);

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void concurrentPutsMayTakeEffectInEitherOrder() {
    h.put(1, "k", "a", 0, 100);
    h.put(2, "k", "b", 0, 100);
    h.get(3, "k", "b", 10, 20);
    h.get(3, "k", "a", 30, 40); // a after b
    h.get(4, "k", "a", 110, 120);

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void staleReadAfterACompletedPutIsAViolation() {
    h.put(1, "k", "a", 0, 10);
    Operation stale = h.getAbsent(2, "k", 11, 20);

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "k");
    assertThat(result.describe()).contains(stale.describe()).contains("it read absent but the key holds \"a\"");
  }

  @Test
  void readOfAValueNeverWrittenIsAViolation() {
    h.put(1, "k", "a", 0, 10);
    Operation bogus = h.get(2, "k", "zz", 5, 20);

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "k");
    assertThat(((CheckResult.Violation) result).explanation()).contains("#" + bogus.id()).contains("ever wrote");
  }

  @Test
  void lostWriteIsAViolation() {
    h.put(1, "k", "a", 0, 10);
    h.put(2, "k", "b", 20, 30);
    h.get(1, "k", "a", 31, 40); // strictly after b completed

    assertViolationOn(checker.check(h.ops), "k");
  }

  @Test
  void equalTimesAreConcurrent() {
    h.put(1, "k", "a", 0, 10);
    h.put(2, "k", "b", 20, 30);
    h.get(1, "k", "a", 30, 40); // invoked exactly when b returned: may still precede it

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void readsCannotGoBackInTime() {
    h.put(1, "k", "a", 0, 10);
    h.put(2, "k", "b", 20, 50);
    h.get(3, "k", "b", 25, 30);
    h.get(4, "k", "a", 35, 40); // b was already observed, so a is gone even though b's put is pending

    assertViolationOn(checker.check(h.ops), "k");
  }

  // ---------------------------------------------------------------- unknown outcomes

  @Test
  void unknownPutObservedLaterIsLinearizable() {
    h.put(1, "k", "a", 0, 10);
    h.putUnknown(2, "k", "b", 20);
    h.get(3, "k", "a", 30, 40); // not yet applied...
    h.get(3, "k", "b", 1_000, 1_010); // ...applied long after its client gave up

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void unknownPutNeverObservedIsLinearizable() {
    h.put(1, "k", "a", 0, 10);
    h.putUnknown(2, "k", "b", 20);
    h.get(3, "k", "a", 30, 40);
    h.get(3, "k", "a", 50, 60);

    assertThat(checker.check(h.ops)).isEqualTo(new CheckResult.Linearizable(4, 1));
  }

  @Test
  void unknownPutObservedThenPreviousValueAgainIsAViolation() {
    h.put(1, "k", "a", 0, 10);
    h.putUnknown(2, "k", "b", 20);
    h.get(3, "k", "b", 30, 40);
    Operation backInTime = h.get(4, "k", "a", 50, 60);

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "k");
    assertThat(result.describe()).contains(backInTime.describe());
  }

  @Test
  void unknownPutCannotTakeEffectBeforeItsInvocation() {
    h.get(1, "k", "b", 0, 10);
    h.putUnknown(2, "k", "b", 11);

    assertViolationOn(checker.check(h.ops), "k");
  }

  @Test
  void unknownGetsAreIgnored() {
    h.put(1, "k", "a", 0, 10);
    h.getUnknown(2, "k", 20);
    h.get(3, "k", "a", 30, 40);

    assertThat(checker.check(h.ops)).isEqualTo(new CheckResult.Linearizable(3, 1));
  }

  @Test
  void anUnknownPutMayExplainAFailedCas() {
    h.putUnknown(1, "k", "x", 0);
    h.cas(2, "k", ABSENT, "y", false, 10, 20); // only possible if x was written

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void aFailedCasOnTheExpectedValueIsAViolationWithoutAnotherWriter() {
    h.putUnknown(1, "k", "x", 30); // invoked after the Cas returned: cannot explain it
    h.cas(2, "k", ABSENT, "y", false, 10, 20);

    assertViolationOn(checker.check(h.ops), "k");
  }

  // ---------------------------------------------------------------- compare-and-set

  @Test
  void casOnAnAbsentKeySucceedsWhenExpectingAbsent() {
    h.cas(1, "k", ABSENT, "a", true, 0, 10);
    h.cas(2, "k", ABSENT, "b", false, 20, 30);
    h.cas(2, "k", Optional.of("a"), "c", true, 40, 50);
    h.get(3, "k", "c", 60, 70);

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void casExpectingAbsentCannotSucceedOnceAValueIsWritten() {
    h.put(1, "k", "a", 0, 10);
    h.cas(2, "k", ABSENT, "b", true, 20, 30);

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "k");
    assertThat(result.describe()).contains("it succeeded, so the key must hold absent, but it holds \"a\"");
  }

  @Test
  void casCannotFailWhenTheValueMatches() {
    h.put(1, "k", "a", 0, 10);
    h.cas(2, "k", Optional.of("a"), "b", false, 20, 30);

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "k");
    assertThat(result.describe()).contains("it failed, so the key must not hold \"a\", but it does");
  }

  @Test
  void casFailsWhenTheValueDiffers() {
    h.put(1, "k", "a", 0, 10);
    h.cas(2, "k", Optional.of("x"), "b", false, 20, 30);
    h.get(3, "k", "a", 40, 50);

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void casThatFailedHasNoEffect() {
    h.put(1, "k", "a", 0, 10);
    h.cas(2, "k", Optional.of("x"), "b", false, 20, 30);
    h.get(3, "k", "b", 40, 50);

    assertViolationOn(checker.check(h.ops), "k");
  }

  @Test
  void twoConcurrentCasFromTheSameValueCannotBothSucceed() {
    h.put(1, "k", "a", 0, 10);
    h.cas(2, "k", Optional.of("a"), "b", true, 20, 30);
    h.cas(3, "k", Optional.of("a"), "c", true, 20, 30);

    assertViolationOn(checker.check(h.ops), "k");
  }

  @Test
  void twoConcurrentCasFromTheSameValueOneWins() {
    h.put(1, "k", "a", 0, 10);
    h.cas(2, "k", Optional.of("a"), "b", false, 20, 30);
    h.cas(3, "k", Optional.of("a"), "c", true, 20, 30);
    h.get(1, "k", "c", 40, 50);

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  @Test
  void unknownCasTakesEffectOnlyIfItsExpectationHolds() {
    h.put(1, "k", "a", 0, 10);
    h.casUnknown(2, "k", Optional.of("a"), "b", 20);
    h.get(3, "k", "b", 30, 40);
    assertThat(checker.check(h.ops).isLinearizable()).isTrue();

    h.get(3, "k", "a", 50, 60); // and once taken, it stays taken
    assertViolationOn(checker.check(h.ops), "k");
  }

  @Test
  void unknownCasWithAWrongExpectationCannotExplainItsValue() {
    h.put(1, "k", "a", 0, 10);
    h.casUnknown(2, "k", Optional.of("x"), "b", 20);
    h.get(3, "k", "b", 30, 40);

    assertViolationOn(checker.check(h.ops), "k");
  }

  @Test
  void manyUnknownWritesNobodyObservedStayCheap() {
    // 30 writes that timed out, each of which may have happened at any time: naively 2^30 subsets to try.
    for (int i = 0; i < 30; i++) {
      h.putUnknown(i, "k", "lost" + i, i);
    }
    h.cas(40, "k", Optional.of("x"), "y", false, 50, 60); // may be explained by a lost write, or not
    for (int i = 0; i < 100; i++) {
      h.put(41, "k", "v" + i, 100 + 20L * i, 105 + 20L * i);
      h.get(42, "k", "v" + i, 110 + 20L * i, 115 + 20L * i);
    }
    LinearizabilityChecker frugal = new LinearizabilityChecker(10_000);
    assertThat(frugal.check(h.ops).isLinearizable()).isTrue();

    h.get(43, "k", "v98", 5_000, 5_010); // stale: v99 was written and read before
    assertViolationOn(frugal.check(h.ops), "k");
  }

  @Test
  void aReadValueWrittenByAnUnknownOpMeansItTookEffectInTime() {
    h.putUnknown(1, "k", "a", 0);
    h.get(2, "k", "a", 10, 20);
    h.put(3, "k", "b", 30, 40);
    h.get(4, "k", "a", 50, 60); // the unknown put cannot be linearized again after b

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "k");
    assertThat(result.describe()).contains("#0 has an unknown outcome, but #1 read its value");
  }

  @Test
  void aValueWrittenTwiceMayBeReadFromEitherWrite() {
    h.putUnknown(1, "k", "a", 0);
    h.get(2, "k", "a", 10, 20);
    h.put(3, "k", "b", 30, 40);
    h.put(5, "k", "a", 30, 70); // a second writer of a: the late read may come from it
    h.get(4, "k", "a", 50, 60);

    assertThat(checker.check(h.ops).isLinearizable()).isTrue();
  }

  // ---------------------------------------------------------------- keys, budget, messages

  @Test
  void keysAreIndependentAndTheBrokenOneIsNamed() {
    h.put(1, "a", "1", 0, 10);
    h.put(2, "b", "1", 0, 10);
    h.get(3, "a", "1", 20, 30);
    h.put(1, "b", "2", 20, 30);
    h.get(3, "b", "1", 40, 50); // stale on b only
    h.put(4, "c", "1", 40, 50);

    CheckResult result = checker.check(h.ops);

    assertViolationOn(result, "b");
    assertThat(((CheckResult.Violation) result).operationsOfKey())
        .hasSize(3)
        .allSatisfy(op -> assertThat(op.key()).isEqualTo("b"));
  }

  @Test
  void sameValuesOnOtherKeysDoNotInterfere() {
    h.put(1, "a", "x", 0, 10);
    h.getAbsent(2, "b", 20, 30);

    assertThat(checker.check(h.ops)).isEqualTo(new CheckResult.Linearizable(2, 2));
  }

  @Test
  void violationDescriptionListsTheKeysOpsInInvocationOrderAndThePrefix() {
    Operation late = h.get(4, "k", "a", 50, 60);
    Operation first = h.put(1, "k", "a", 0, 10);
    Operation second = h.put(2, "k", "b", 20, 30);
    h.put(3, "other", "z", 0, 10);

    CheckResult result = checker.check(h.ops);
    String text = result.describe();

    assertViolationOn(result, "k");
    assertThat(((CheckResult.Violation) result).operationsOfKey()).containsExactly(first, second, late);
    assertThat(text).containsSubsequence(first.describe(), second.describe(), late.describe());
    assertThat(text).contains("#1 client 1 [0..10] Put(\"a\") -> ok")
        .contains("places 2 of the 3 operations that must take effect")
        .contains("Then the key holds \"b\"")
        .doesNotContain("other");
  }

  @Test
  void exceededBudgetIsInconclusiveNotLinearizable() {
    for (int i = 0; i < 10; i++) {
      h.put(i, "k", "v" + i, 0, 100);
    }
    h.get(99, "k", "v0", 200, 210);

    CheckResult result = new LinearizabilityChecker(5).check(h.ops);

    assertThat(result).isInstanceOf(CheckResult.Inconclusive.class);
    assertThat(result.isLinearizable()).isFalse();
    assertThat(((CheckResult.Inconclusive) result).key()).isEqualTo("k");
    assertThat(result.describe()).contains("INCONCLUSIVE").contains("\"k\"");
    assertThat(checker.check(h.ops).isLinearizable()).isTrue(); // the default budget is plenty
  }

  @Test
  void aViolationOnOneKeyWinsOverAnInconclusiveOne() {
    for (int i = 0; i < 10; i++) {
      h.put(i, "a", "v" + i, 0, 100);
    }
    h.get(99, "a", "v0", 200, 210);
    h.put(1, "b", "x", 0, 10);
    h.getAbsent(2, "b", 20, 30);

    assertViolationOn(new LinearizabilityChecker(5).check(h.ops), "b");
  }

  // ---------------------------------------------------------------- larger, generated histories

  @Test
  void largeGeneratedHistoryIsLinearizable() {
    List<Operation> history = generate(new Random(42), 1_000, 5, 0.05, 60);

    assertThat(history.stream().filter(Operation::isUnknown).count()).isBetween(25L, 80L);
    CheckResult result = checker.check(history);
    assertThat(result.isLinearizable()).as(result.describe()).isTrue();
    assertThat(result).isEqualTo(new CheckResult.Linearizable(1_000, 5));
  }

  @Test
  void largeGeneratedHistoriesNeedFewStatesPerKey() {
    // A tight budget turns an exponential blow-up into a failure without any timing assertion.
    LinearizabilityChecker frugal = new LinearizabilityChecker(5_000); // they need a few hundred
    for (long seed = 1; seed <= 20; seed++) {
      List<Operation> history = generate(new Random(seed), 1_000, 5, 0.05, 60);
      CheckResult result = frugal.check(history);
      assertThat(result.isLinearizable()).as("seed %d: %s", seed, result.describe()).isTrue();
    }
  }

  @Test
  void highlyConcurrentSingleKeyHistoryIsLinearizable() {
    List<Operation> history = generate(new Random(7), 500, 1, 0.10, 100); // ~10 ops in flight at a time

    CheckResult result = new LinearizabilityChecker(20_000).check(history);
    assertThat(result.isLinearizable()).as(result.describe()).isTrue();
  }

  @Test
  void largeGeneratedHistoryWithAGetMutatedToANeverWrittenValueIsAViolation() {
    List<Operation> history = new ArrayList<>(generate(new Random(42), 1_000, 5, 0.05, 60));
    int victim = lastCompletedGet(history);
    Operation get = history.get(victim);
    history.set(victim, withGetResult(get, Optional.of("never-written")));

    CheckResult result = checker.check(history);

    assertViolationOn(result, get.key());
    assertThat(result.describe()).contains("#" + get.id());
  }

  @ParameterizedTest
  @ValueSource(longs = {42, 43, 44, 45, 46})
  void largeGeneratedHistoryWithAGetReadingFromTheFutureIsAViolation(long seed) {
    List<Operation> history = new ArrayList<>(generate(new Random(seed), 1_000, 5, 0.05, 60));
    // A get in the middle now reads a value first written by a put invoked after the get returned.
    int victim = -1;
    Optional<String> future = Optional.empty();
    for (int i = history.size() / 2; i < history.size() && future.isEmpty(); i++) {
      Operation op = history.get(i);
      if (op.input() instanceof KvInput.Get && !op.isUnknown()) {
        future = history.stream()
            .filter(w -> w.key().equals(op.key()) && w.invokedAt() > op.returnedAt())
            .filter(w -> w.input() instanceof KvInput.Put)
            .map(w -> ((KvInput.Put) w.input()).value())
            .findFirst();
        victim = i;
      }
    }
    assertThat(future).isPresent();
    Operation get = history.get(victim);
    history.set(victim, withGetResult(get, future));

    CheckResult result = new LinearizabilityChecker(20_000).check(history); // refuting needs ~250 states

    assertViolationOn(result, get.key());
  }

  @Test
  void agreesWithBruteForceOnSmallRandomHistories() {
    // Tiny histories with few distinct values, overlapping intervals, unknowns and random corruption: the
    // pruning (greedy reads, skipped unknown writes, memoization) must never change the verdict.
    Random rnd = new Random(2024);
    int violations = 0;
    for (int round = 0; round < 3_000; round++) {
      List<Operation> history = generateSmall(rnd);
      boolean expected = BruteForce.linearizable(history);
      CheckResult result = checker.check(history);
      assertThat(result.isLinearizable()).as("round %d: %s%n%s", round, history, result.describe()).isEqualTo(expected);
      violations += expected ? 0 : 1;
    }
    assertThat(violations).as("both verdicts are exercised").isBetween(300, 2_700);
  }

  // ---------------------------------------------------------------- helpers

  private static void assertViolationOn(CheckResult result, String key) {
    assertThat(result).as(result.describe()).isInstanceOf(CheckResult.Violation.class);
    assertThat(result.isLinearizable()).isFalse();
    assertThat(((CheckResult.Violation) result).key()).isEqualTo(key);
    assertThat(result.describe()).contains("key \"" + key + "\"");
  }

  private static int lastCompletedGet(List<Operation> history) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).input() instanceof KvInput.Get && !history.get(i).isUnknown()) {
        return i;
      }
    }
    throw new AssertionError("no completed get");
  }

  private static Operation withGetResult(Operation get, Optional<String> value) {
    return Operation.ok(get.id(), get.clientId(), get.key(), get.input(), get.invokedAt(), get.returnedAt(),
        new KvOutput.GetResult(value));
  }

  /**
   * A history of a real atomic register: ops take effect in order at linearization points 10 ticks apart, and
   * each op's interval spreads randomly (up to {@code spread} ticks) around its point, so neighbours overlap.
   * Unknown ops took effect or not at random; a unique value per write keeps reads unambiguous.
   */
  private static List<Operation> generate(Random rnd, int count, int keys, double unknownRate, int spread) {
    Map<String, Optional<String>> registers = new HashMap<>();
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = "k" + rnd.nextInt(keys);
      long point = 1_000 + 10L * i;
      long invokedAt = point - rnd.nextInt(spread);
      long returnedAt = point + rnd.nextInt(spread);
      int client = rnd.nextInt(8);
      Optional<String> current = registers.getOrDefault(key, Optional.empty());
      String fresh = "v" + i;
      double dice = rnd.nextDouble();
      KvInput input;
      if (dice < 0.4) {
        input = new KvInput.Put(fresh);
      } else if (dice < 0.8) {
        input = new KvInput.Get();
      } else {
        Optional<String> expected = rnd.nextBoolean() ? current
            : rnd.nextBoolean() ? Optional.empty() : Optional.of("v" + rnd.nextInt(i + 1));
        input = new KvInput.Cas(expected, fresh);
      }
      KvOutput output;
      if (input instanceof KvInput.Put) {
        output = new KvOutput.PutDone();
        registers.put(key, Optional.of(fresh));
      } else if (input instanceof KvInput.Cas cas) {
        boolean swap = cas.expected().equals(current);
        output = new KvOutput.CasResult(swap);
        if (swap) {
          registers.put(key, Optional.of(fresh));
        }
      } else {
        output = new KvOutput.GetResult(current);
      }
      if (rnd.nextDouble() < unknownRate) {
        if (rnd.nextBoolean()) {
          registers.put(key, current); // it did not take effect after all
        }
        ops.add(Operation.unknown(i, client, key, input, invokedAt));
      } else {
        ops.add(Operation.ok(i, client, key, input, invokedAt, returnedAt, output));
      }
    }
    return ops;
  }

  /** Up to 7 ops on one key over the values a, b, c: a real register's history, sometimes corrupted. */
  private static List<Operation> generateSmall(Random rnd) {
    List<String> domain = List.of("a", "b", "c");
    int count = 1 + rnd.nextInt(7);
    Optional<String> current = Optional.empty();
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long point = 10L * (i + 1);
      long invokedAt = point - rnd.nextInt(25);
      long returnedAt = point + rnd.nextInt(25);
      String value = domain.get(rnd.nextInt(domain.size()));
      KvInput input;
      KvOutput output;
      int dice = rnd.nextInt(3);
      if (dice == 0) {
        input = new KvInput.Put(value);
        output = new KvOutput.PutDone();
        current = Optional.of(value);
      } else if (dice == 1) {
        input = new KvInput.Get();
        output = new KvOutput.GetResult(rnd.nextInt(5) == 0
            ? Optional.of(domain.get(rnd.nextInt(domain.size()))) : current);
      } else {
        Optional<String> expected = rnd.nextBoolean() ? current
            : rnd.nextBoolean() ? Optional.empty() : Optional.of(domain.get(rnd.nextInt(domain.size())));
        boolean swap = expected.equals(current);
        output = new KvOutput.CasResult(rnd.nextInt(6) == 0 ? !swap : swap);
        input = new KvInput.Cas(expected, value);
        if (swap) {
          current = Optional.of(value);
        }
      }
      if (rnd.nextInt(4) == 0) {
        ops.add(Operation.unknown(i, 0, "k", input, invokedAt));
      } else {
        ops.add(Operation.ok(i, 0, "k", input, invokedAt, returnedAt, output));
      }
    }
    return ops;
  }

  /** The definition, by exhaustion: some order of the completed ops plus some of the unknown ones works. */
  private static final class BruteForce {
    static boolean linearizable(List<Operation> history) {
      return search(new ArrayList<>(), history, Optional.empty());
    }

    /** Extends {@code placed} (already valid) with one more op that no remaining completed op must precede. */
    private static boolean search(List<Operation> placed, List<Operation> rest, Optional<String> value) {
      if (rest.stream().allMatch(Operation::isUnknown)) {
        return true; // remaining unknown ops never took effect
      }
      for (Operation op : rest) {
        boolean mustWait = rest.stream().anyMatch(other -> other.returnedAt() < op.invokedAt());
        if (mustWait) {
          continue;
        }
        List<Operation> remaining = new ArrayList<>(rest);
        remaining.remove(op);
        Optional<Optional<String>> after = apply(op, value);
        if (after.isPresent()) {
          placed.add(op);
          boolean ok = search(placed, remaining, after.get());
          placed.remove(placed.size() - 1);
          if (ok) {
            return true;
          }
        }
        if (op.isUnknown() && search(placed, remaining, value)) {
          return true; // it never took effect
        }
      }
      return false;
    }

    /** The register after {@code op}, or empty if its output is impossible from {@code value}. */
    private static Optional<Optional<String>> apply(Operation op, Optional<String> value) {
      if (op.input() instanceof KvInput.Put put) {
        return Optional.of(Optional.of(put.value()));
      }
      if (op.input() instanceof KvInput.Cas cas) {
        boolean swaps = cas.expected().equals(value);
        boolean reported = op.output().map(o -> ((KvOutput.CasResult) o).succeeded()).orElse(swaps);
        return reported != swaps ? Optional.empty()
            : Optional.of(swaps ? Optional.of(cas.newValue()) : value);
      }
      boolean fits = op.output().map(o -> ((KvOutput.GetResult) o).value().equals(value)).orElse(true);
      return fits ? Optional.of(value) : Optional.empty();
    }
  }

  /** Builds a hand-written history with ids in call order. */
  private static final class Ops {
    final List<Operation> ops = new ArrayList<>();

    Operation put(int client, String key, String value, long from, long to) {
      return add(Operation.ok(ops.size(), client, key, new KvInput.Put(value), from, to, new KvOutput.PutDone()));
    }

    Operation putUnknown(int client, String key, String value, long from) {
      return add(Operation.unknown(ops.size(), client, key, new KvInput.Put(value), from));
    }

    Operation get(int client, String key, String seen, long from, long to) {
      return add(Operation.ok(ops.size(), client, key, new KvInput.Get(), from, to,
          new KvOutput.GetResult(Optional.of(seen))));
    }

    Operation getAbsent(int client, String key, long from, long to) {
      return add(Operation.ok(ops.size(), client, key, new KvInput.Get(), from, to,
          new KvOutput.GetResult(Optional.empty())));
    }

    Operation getUnknown(int client, String key, long from) {
      return add(Operation.unknown(ops.size(), client, key, new KvInput.Get(), from));
    }

    Operation cas(int client, String key, Optional<String> expected, String value, boolean ok, long from, long to) {
      return add(Operation.ok(ops.size(), client, key, new KvInput.Cas(expected, value), from, to,
          new KvOutput.CasResult(ok)));
    }

    Operation casUnknown(int client, String key, Optional<String> expected, String value, long from) {
      return add(Operation.unknown(ops.size(), client, key, new KvInput.Cas(expected, value), from));
    }

    private Operation add(Operation op) {
      ops.add(op);
      return op;
    }
  }
}
