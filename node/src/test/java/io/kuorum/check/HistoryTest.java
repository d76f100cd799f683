package io.kuorum.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private final History history = new History();

  @Test
  void okRecordsTheOutputAndReturnTime() {
    long id = history.invoke(3, "k", new KvInput.Get(), 10);
    history.ok(id, new KvOutput.GetResult(Optional.of("a")), 25);

    assertThat(history.operations()).containsExactly(
        new Operation(id, 3, "k", new KvInput.Get(), 10, 25, Optional.of(new KvOutput.GetResult(Optional.of("a")))));
  }

  @Test
  void failedOpsAreDroppedAndUnknownOrPendingOpsHaveNoOutput() {
    long failed = history.invoke(1, "k", new KvInput.Put("a"), 1);
    long unknown = history.invoke(2, "k", new KvInput.Put("b"), 2);
    long pending = history.invoke(3, "k", new KvInput.Put("c"), 3);
    history.fail(failed);
    history.unknown(unknown);

    assertThat(history.size()).isEqualTo(2);
    assertThat(history.operations()).extracting(Operation::id).containsExactly(unknown, pending);
    assertThat(history.operations()).allSatisfy(op -> {
      assertThat(op.isUnknown()).isTrue();
      assertThat(op.output()).isEmpty();
      assertThat(op.returnedAt()).isEqualTo(Long.MAX_VALUE);
    });
  }

  @Test
  void operationsIsASnapshot() {
    long id = history.invoke(1, "k", new KvInput.Put("a"), 1);
    List<Operation> before = history.operations();
    history.ok(id, new KvOutput.PutDone(), 2);

    assertThat(before.get(0).isUnknown()).isTrue();
    assertThat(history.operations().get(0).isUnknown()).isFalse();
  }

  @Test
  void finishingAnOpTwiceIsAHarnessBug() {
    long id = history.invoke(1, "k", new KvInput.Put("a"), 1);
    history.ok(id, new KvOutput.PutDone(), 2);

    assertThatThrownBy(() -> history.unknown(id)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> history.fail(id)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> history.ok(42, new KvOutput.PutDone(), 3)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsAnOutputOfTheWrongKindOrAReturnBeforeTheInvocation() {
    long id = history.invoke(1, "k", new KvInput.Put("a"), 10);

    assertThatThrownBy(() -> history.ok(id, new KvOutput.CasResult(true), 20))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> history.ok(id, new KvOutput.PutDone(), 9))
        .isInstanceOf(IllegalArgumentException.class);
    history.ok(id, new KvOutput.PutDone(), 10); // equal times are fine
  }

  @Test
  void recordsFromManyThreads() throws Exception {
    int threads = 4;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int client = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            long id = history.invoke(client, "k" + (i % 3), new KvInput.Put(client + ":" + i), i);
            switch (i % 3) {
              case 0 -> history.ok(id, new KvOutput.PutDone(), i + 1);
              case 1 -> history.unknown(id);
              default -> history.fail(id);
            }
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }

    int survivors = threads * (perThread - perThread / 3);
    assertThat(history.size()).isEqualTo(survivors);
    assertThat(history.operations()).hasSize(survivors).extracting(Operation::id).doesNotHaveDuplicates();
  }
}
