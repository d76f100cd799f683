package io.kuorum.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Runs {@code total} operations from {@code clients} concurrent callers, operation {@code i} being
 * {@code op.accept(i)}, reports progress every second, and keeps every latency (so percentiles are
 * exact). What {@code kuorumctl bench} measures with.
 */
final class LoadRun {

  /** What a run measured; latencies in nanoseconds, sorted. */
  record Result(long total, double seconds, long[] latencies) {
    double perSecond() {
      return total / seconds;
    }

    double percentileMs(double q) {
      int at = (int) Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1));
      return latencies[at] / 1e6;
    }

    JsonWriter json(JsonWriter w) {
      return w.name("total").value(total).name("seconds").value(seconds).name("perSecond").value(perSecond())
          .name("p50Ms").value(percentileMs(0.50)).name("p90Ms").value(percentileMs(0.90))
          .name("p99Ms").value(percentileMs(0.99)).name("maxMs").value(percentileMs(1.0));
    }

    String text() {
      return String.format("%,d in %.1f s = %,.0f/s; latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", total,
          seconds, perSecond(), percentileMs(0.50), percentileMs(0.90), percentileMs(0.99), percentileMs(1.0));
    }
  }

  private LoadRun() {}

  static Result run(int clients, long total, String what, PrintWriter progress, LongConsumer op) {
    return runPerCaller(clients, total, what, progress, caller -> op);
  }

  /**
   * Like {@link #run(int, long, String, PrintWriter, LongConsumer)}, caller {@code c} (0 to
   * {@code clients - 1}) running its operations with {@code opOfCaller.apply(c)}.
   */
  static Result runPerCaller(int clients, long total, String what, PrintWriter progress,
      IntFunction<LongConsumer> opOfCaller) {
    long[] latencies = new long[(int) total];
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> callers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      LongConsumer op = opOfCaller.apply(c);
      callers.add(pool.submit(() -> {
        for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          op.accept(i);
          latencies[(int) i] = System.nanoTime() - t0;
          done.incrementAndGet();
        }
        return null;
      }));
    }
    try {
      reportProgress(callers, done, total, what, start, progress);
      for (Future<?> f : callers) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    return new Result(total, seconds, latencies);
  }

  private static void reportProgress(List<Future<?>> callers, AtomicLong done, long total, String what, long start,
      PrintWriter progress) throws InterruptedException {
    while (!callers.stream().allMatch(Future::isDone)) {
      TimeUnit.MILLISECONDS.sleep(200); // a reporting cadence, not a synchronization
      long elapsed = System.nanoTime() - start;
      if (elapsed / 1_000_000_000L > (elapsed - 200_000_000L) / 1_000_000_000L) {
        progress.printf("  %,d of %,d %s after %d s%n", done.get(), total, what, elapsed / 1_000_000_000L);
        progress.flush();
      }
    }
  }
}
