package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code kuorumctl bench put}: TOTAL puts from CLIENTS concurrent callers over KEY_SPACE keys (key i
 * is written by put number i modulo the key space, so a small key space means overwrites). Reports
 * progress every second on stderr, then throughput and latency percentiles (exact: every latency is
 * kept).
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Puts TOTAL values from CLIENTS concurrent callers; prints puts/s and latency percentiles.",
    footer = ExitCodes.FOOTER)
final class BenchPutCommand extends ClientCommand {

  @Option(names = "--clients", defaultValue = "16", description = "Concurrent callers (default ${DEFAULT-VALUE}).")
  private int clients;

  @Option(names = "--total", defaultValue = "10000", description = "Puts in all (default ${DEFAULT-VALUE}).")
  private long total;

  @Option(names = "--key-space", defaultValue = "0", description = "Distinct keys; 0 = TOTAL (every put a new key).")
  private long keySpace;

  @Option(names = "--key-size", defaultValue = "8", description = "Key length in bytes (default ${DEFAULT-VALUE}).")
  private int keySize;

  @Option(names = "--val-size", defaultValue = "256", description = "Value length in bytes (default ${DEFAULT-VALUE}).")
  private int valSize;

  @Override
  int run(KuorumClient client) {
    long space = keySpace == 0 ? total : keySpace;
    if (clients < 1) throw new ParameterException(spec.commandLine(), "--clients must be at least 1, not " + clients);
    if (total < 1 || total > Integer.MAX_VALUE) throw new ParameterException(spec.commandLine(), "--total must be in [1, 2^31), not " + total);
    if (space < 1) throw new ParameterException(spec.commandLine(), "--key-space must be at least 1, not " + keySpace);
    int digits = Long.toString(space - 1).length();
    if (keySize < digits) {
      throw new ParameterException(spec.commandLine(), "--key-size " + keySize + " cannot number " + space + " keys: use at least " + digits);
    }
    if (valSize < 0) throw new ParameterException(spec.commandLine(), "--val-size must be >= 0, not " + valSize);

    byte[] value = new byte[valSize];
    Arrays.fill(value, (byte) 'v');
    long[] latencies = new long[(int) total];
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> callers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      callers.add(pool.submit(() -> {
        for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
          byte[] key = key(i % space, keySize);
          long t0 = System.nanoTime();
          client.put(key, value);
          latencies[(int) i] = System.nanoTime() - t0;
          done.incrementAndGet();
        }
        return null;
      }));
    }
    try {
      reportProgress(callers, done, start);
      for (Future<?> f : callers) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    double rate = total / seconds;
    if (format() == OutputFormat.JSON) {
      out().println(new JsonWriter().beginObject().name("op").value("put").name("clients").value(clients)
          .name("total").value(total).name("keySpace").value(space).name("valSize").value(valSize)
          .name("seconds").value(seconds).name("perSecond").value(rate)
          .name("p50Ms").value(ms(latencies, 0.50)).name("p90Ms").value(ms(latencies, 0.90))
          .name("p99Ms").value(ms(latencies, 0.99)).name("maxMs").value(ms(latencies, 1.0)).endObject());
    } else {
      out().printf("put: %,d in %.1f s = %,.0f/s with %d clients over %,d keys (%d B values); latency p50 %.1f ms, "
          + "p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", total, seconds, rate, clients, space, valSize, ms(latencies, 0.50),
          ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 1.0));
    }
    return ExitCodes.OK;
  }

  private void reportProgress(List<Future<?>> callers, AtomicLong done, long start) throws InterruptedException {
    while (!callers.stream().allMatch(Future::isDone)) {
      TimeUnit.MILLISECONDS.sleep(200); // a reporting cadence, not a synchronization
      long elapsed = System.nanoTime() - start;
      if (elapsed / 1_000_000_000L > (elapsed - 200_000_000L) / 1_000_000_000L) {
        err().printf("  %,d of %,d puts after %d s%n", done.get(), total, elapsed / 1_000_000_000L);
        err().flush();
      }
    }
  }

  private static byte[] key(long n, int size) {
    String digits = Long.toString(n);
    StringBuilder b = new StringBuilder(size);
    for (int i = digits.length(); i < size; i++) b.append('0');
    return b.append(digits).toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static double ms(long[] sorted, double q) {
    int at = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[at] / 1e6;
  }
}
