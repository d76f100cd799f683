package io.kuorum.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SerializableReadCheckerTest {

  private static History history() {
    return new History();
  }

  @Test
  void aStaleValueIsFineAndKeptOutOfTheStrictHistory() {
    History h = history();
    long w1 = h.invoke(0, "k", new KvInput.Put("a"), 0);
    h.ok(w1, new KvOutput.PutDone(), 10);
    long w2 = h.invoke(0, "k", new KvInput.Put("b"), 20);
    h.ok(w2, new KvOutput.PutDone(), 30);
    long stale = h.invokeSerializableRead(1, "k", 40);
    h.ok(stale, new KvOutput.GetResult(Optional.of("a")), 50); // a lagging member: not linearizable, but real
    long absent = h.invokeSerializableRead(1, "k", 60);
    h.ok(absent, new KvOutput.GetResult(Optional.empty()), 70); // a member that has applied nothing yet

    assertThat(h.operations()).extracting(Operation::id).containsExactly(w1, w2);
    assertThat(h.serializableReads()).extracting(Operation::id).containsExactly(stale, absent);
    assertThat(new LinearizabilityChecker().check(h.operations()).isLinearizable()).isTrue();
    assertThat(SerializableReadChecker.check(h.operations(), h.serializableReads()).isLinearizable()).isTrue();
  }

  @Test
  void aValueFromTheFutureOrFromAFailedWriteIsCaught() {
    History future = history();
    long read = future.invokeSerializableRead(1, "k", 0);
    future.ok(read, new KvOutput.GetResult(Optional.of("later")), 10);
    long w = future.invoke(0, "k", new KvInput.Put("later"), 20);
    future.ok(w, new KvOutput.PutDone(), 30);
    assertThat(SerializableReadChecker.check(future.operations(), future.serializableReads()).describe())
        .contains("NOT linearizable", "serializable read #0 returned \"later\"");

    History failed = history();
    long lost = failed.invoke(0, "k", new KvInput.Put("lost"), 0);
    failed.fail(lost);
    long refused = failed.invoke(0, "k", new KvInput.Cas(Optional.of("x"), "swapped"), 0);
    failed.ok(refused, new KvOutput.CasResult(false), 5);
    long r1 = failed.invokeSerializableRead(1, "k", 10);
    failed.ok(r1, new KvOutput.GetResult(Optional.of("lost")), 20);
    assertThat(SerializableReadChecker.check(failed.operations(), failed.serializableReads()).isLinearizable()).isFalse();

    History swapped = history();
    long cas = swapped.invoke(0, "k", new KvInput.Cas(Optional.of("x"), "swapped"), 0);
    swapped.ok(cas, new KvOutput.CasResult(false), 5);
    long r2 = swapped.invokeSerializableRead(1, "k", 10);
    swapped.ok(r2, new KvOutput.GetResult(Optional.of("swapped")), 20);
    assertThat(SerializableReadChecker.check(swapped.operations(), swapped.serializableReads()).isLinearizable())
        .as("a compare-and-set answered 'not swapped' wrote nothing").isFalse();
  }

  @Test
  void aWriteWithAnUnknownOutcomeMayBeWhatWasRead() {
    History h = history();
    long w = h.invoke(0, "k", new KvInput.Put("maybe"), 0);
    h.unknown(w);
    long r = h.invokeSerializableRead(1, "k", 10);
    h.ok(r, new KvOutput.GetResult(Optional.of("maybe")), 20);

    assertThat(SerializableReadChecker.check(h.operations(), h.serializableReads()).isLinearizable()).isTrue();
  }
}
