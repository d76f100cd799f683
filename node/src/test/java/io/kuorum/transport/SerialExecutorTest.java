package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void runsTasksOneAtATimeInSubmissionOrder() {
    var serial = new SerialExecutor(pool);
    List<Integer> seen = new ArrayList<>(); // deliberately not thread-safe
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();

    for (int i = 0; i < 10_000; i++) {
      int n = i;
      serial.execute(() -> {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        seen.add(n);
        running.decrementAndGet();
      });
    }
    AtomicInteger done = new AtomicInteger();
    serial.execute(done::incrementAndGet);

    await().until(() -> done.get() == 1);
    assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 10_000).boxed().toList());
    assertThat(maxRunning.get()).isEqualTo(1);
  }

  @Test
  void neverRunsInTheCallersThread() {
    var serial = new SerialExecutor(pool);
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    serial.execute(() -> threads.add(Thread.currentThread()));

    await().until(() -> threads.size() == 1);
    assertThat(threads.get(0)).isNotSameAs(Thread.currentThread());
  }

  @Test
  void keepsGoingAfterATaskThrows() {
    var serial = new SerialExecutor(pool);
    AtomicInteger after = new AtomicInteger();

    serial.execute(() -> {
      throw new IllegalStateException("boom (expected by the test)");
    });
    serial.execute(after::incrementAndGet);

    await().until(() -> after.get() == 1);
  }

  @Test
  void dropsTasksOnceThePoolIsShutDown() {
    pool.shutdown();
    var serial = new SerialExecutor(pool);
    AtomicInteger ran = new AtomicInteger();

    serial.execute(ran::incrementAndGet);

    assertThat(ran.get()).isZero();
  }
}
