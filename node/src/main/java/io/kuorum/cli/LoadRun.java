package io.kuorum.cli;

import java.io.PrintWriter;
import java.time.Duration;
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

/**
 * Runs operations from {@code clients} concurrent callers until a {@link Stop} says so, operation
 * {@code i} (numbered from 0 across all callers) being {@code op.run(i)}, reports progress every
 * second, and keeps every latency (so percentiles are exact), separately for each kind of operation.
 * What {@code kuorumctl bench} measures with, and (public for that) the etcd comparison of the bench
 * module, whose operations go to etcd as well as to Kuorum.
 */
public final class LoadRun {

  /** One operation; returns its kind, an index into the kinds the run was given. */
  @FunctionalInterface
  public interface Op {
    int run(long i);
  }

  /** When the run ends: after {@code total} operations, or once {@code duration} has elapsed. */
  public record Stop(long total, Duration duration) {
    public static Stop after(long total) {
      return new Stop(total, null);
    }

    public static Stop within(Duration duration) {
      return new Stop(Long.MAX_VALUE, duration);
    }
  }

  /** The latencies of one kind of operation, in nanoseconds, sorted. */
  public record Latencies(String kind, long[] sorted) {
    public long count() {
      return sorted.length;
    }

    public double percentileMs(double q) {
      int at = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
      return sorted[at] / 1e6;
    }

    /** The count, rate and percentiles (omitted when none ran), as fields of the object being written. */
    public JsonWriter json(JsonWriter w, double seconds) {
      w.name("total").value(count()).name("perSecond").value(seconds > 0 ? count() / seconds : 0);
      if (count() == 0) return w;
      return w.name("p50Ms").value(percentileMs(0.50)).name("p90Ms").value(percentileMs(0.90))
          .name("p99Ms").value(percentileMs(0.99)).name("maxMs").value(percentileMs(1.0));
    }

    String text(double seconds) {
      return String.format("%,d = %,.0f/s", count(), seconds > 0 ? count() / seconds : 0) + latencyText();
    }

    /** "; latency p50 ..., max ...", or nothing when none ran. */
    String latencyText() {
      if (count() == 0) return "";
      return String.format("; latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", percentileMs(0.50),
          percentileMs(0.90), percentileMs(0.99), percentileMs(1.0));
    }
  }

  /** What a run measured: every operation, and each kind's latencies. */
  public record Result(long total, double seconds, List<Latencies> kinds) {
    public double perSecond() {
      return seconds > 0 ? total / seconds : 0;
    }

    public Latencies of(String kind) {
      return kinds.stream().filter(l -> l.kind().equals(kind)).findFirst().orElseThrow();
    }

    /**
     * The totals; with one kind its percentiles beside them, with several an object per kind (named
     * after it) with its own count, rate and percentiles.
     */
    public JsonWriter json(JsonWriter w) {
      if (kinds.size() == 1) return kinds.get(0).json(w.name("seconds").value(seconds), seconds);
      w.name("total").value(total).name("seconds").value(seconds).name("perSecond").value(perSecond());
      for (Latencies l : kinds) l.json(w.name(l.kind()).beginObject(), seconds).endObject();
      return w;
    }

    /** The headline: every operation and the rate, with one kind its percentiles too. */
    String text() {
      String all = String.format("%,d in %.1f s = %,.0f/s", total, seconds, perSecond());
      return kinds.size() == 1 ? all + kinds.get(0).latencyText() : all;
    }

    /** With several kinds a line per kind (its count, rate and percentiles); none with one. */
    List<String> kindLines() {
      if (kinds.size() == 1) return List.of();
      return kinds.stream().map(l -> l.kind() + ": " + l.text(seconds)).toList();
    }
  }

  /**
   * Numbers one caller records as it goes, in a growing array: its latencies of one kind here; public
   * for operations that keep records of their own (the etcd comparison's completion times).
   */
  public static final class Recorded {
    private long[] values = new long[1024];
    private int size;

    public void add(long value) {
      if (size == values.length) values = Arrays.copyOf(values, values.length * 2);
      values[size++] = value;
    }

    /** Every number of {@code parts}, sorted. */
    public static long[] sorted(List<Recorded> parts) {
      long[] all = new long[parts.stream().mapToInt(r -> r.size).sum()];
      int at = 0;
      for (Recorded r : parts) {
        System.arraycopy(r.values, 0, all, at, r.size);
        at += r.size;
      }
      Arrays.sort(all);
      return all;
    }
  }

  private LoadRun() {}

  /**
   * Runs until {@code stop}, caller {@code c} (0 to {@code clients - 1}) running its operations with
   * {@code opOfCaller.apply(c)}; {@code kinds} names what the operations' kinds count ("puts", ...),
   * {@code what} what progress counts.
   */
  public static Result run(int clients, Stop stop, List<String> kinds, String what, PrintWriter progress,
      IntFunction<Op> opOfCaller) {
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    long deadline = stop.duration() == null ? Long.MAX_VALUE : start + stop.duration().toNanos();
    List<Future<Recorded[]>> callers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Op op = opOfCaller.apply(c);
      callers.add(pool.submit(() -> {
        Recorded[] mine = new Recorded[kinds.size()];
        for (int k = 0; k < mine.length; k++) mine[k] = new Recorded();
        while (true) {
          long t0 = System.nanoTime();
          if (stop.duration() != null && t0 - deadline >= 0) break;
          long i = next.getAndIncrement();
          if (i >= stop.total()) break;
          int kind = op.run(i);
          mine[kind].add(System.nanoTime() - t0);
          done.incrementAndGet();
        }
        return mine;
      }));
    }
    List<Recorded[]> recorded = new ArrayList<>();
    try {
      reportProgress(callers, done, stop, what, start, progress);
      for (Future<Recorded[]> f : callers) recorded.add(f.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Latencies> byKind = new ArrayList<>();
    for (int k = 0; k < kinds.size(); k++) {
      int kind = k;
      byKind.add(new Latencies(kinds.get(k), Recorded.sorted(recorded.stream().map(r -> r[kind]).toList())));
    }
    return new Result(done.get(), seconds, byKind);
  }

  private static void reportProgress(List<? extends Future<?>> callers, AtomicLong done, Stop stop, String what,
      long start, PrintWriter progress) throws InterruptedException {
    while (!callers.stream().allMatch(Future::isDone)) {
      TimeUnit.MILLISECONDS.sleep(200); // a reporting cadence, not a synchronization
      long elapsed = System.nanoTime() - start;
      if (elapsed / 1_000_000_000L > (elapsed - 200_000_000L) / 1_000_000_000L) {
        if (stop.duration() == null) {
          progress.printf("  %,d of %,d %s after %d s%n", done.get(), stop.total(), what, elapsed / 1_000_000_000L);
        } else {
          progress.printf("  %,d %s after %d s of %.1f s%n", done.get(), what, elapsed / 1_000_000_000L,
              stop.duration().toMillis() / 1e3);
        }
        progress.flush();
      }
    }
  }
}
