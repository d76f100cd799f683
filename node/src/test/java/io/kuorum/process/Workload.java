package io.kuorum.process;

import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.kuorum.check.History;
import io.kuorum.check.KvInput;
import io.kuorum.check.KvOutput;
import io.kuorum.client.CasResult;
import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.KuorumException;
import io.kuorum.client.ReadConsistency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client load against a real cluster, recorded for checking: each thread writes unique keys (every
 * acknowledged one must be readable at the end) and runs put/get/compare-and-set on a few shared
 * keys (the history must be linearizable). A write whose outcome is unknown is recorded as such.
 * With {@link #startWithEveryReadKind}, the gets of shared keys are of every kind: linearizable
 * through the leader, linearizable at a member picked at random (a follower asks the leader for a
 * read index), lease reads, and serializable reads (recorded apart: they may be stale).
 */
final class Workload implements AutoCloseable {

  private static final int SHARED_KEYS = 3;

  /** How a get of a shared key is served. */
  enum ReadKind {
    LEADER,
    ANY_MEMBER,
    LEASE,
    SERIALIZABLE
  }

  final History history = new History();
  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> successTimes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> allSuccessTimes = new ConcurrentLinkedQueue<>();
  private final AtomicLong okWrites = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final List<KuorumClient> clients = new ArrayList<>();
  /** Clients that each know one member only, for reads any member serves. */
  private final List<KuorumClient> pinned = new ArrayList<>();
  private final boolean everyReadKind;
  private final Map<ReadKind, AtomicLong> okReads = new ConcurrentHashMap<>();

  private Workload(List<String> endpoints, int threadCount, boolean everyReadKind) {
    this.everyReadKind = everyReadKind;
    for (ReadKind kind : ReadKind.values()) okReads.put(kind, new AtomicLong());
    if (everyReadKind) {
      for (String endpoint : endpoints) {
        pinned.add(KuorumClient.connect(List.of(endpoint), ClientOptions.defaults().withDeadline(Duration.ofSeconds(2))));
      }
    }
    for (int t = 0; t < threadCount; t++) {
      KuorumClient client = KuorumClient.connect(endpoints, ClientOptions.defaults().withDeadline(Duration.ofSeconds(4)));
      clients.add(client);
      int id = t;
      Thread thread = new Thread(() -> run(id, client), "workload-" + t);
      threads.add(thread);
      thread.start();
    }
  }

  static Workload start(List<String> endpoints, int threads) {
    return new Workload(endpoints, threads, false);
  }

  static Workload startWithEveryReadKind(List<String> endpoints, int threads) {
    return new Workload(endpoints, threads, true);
  }

  /** Shared-key reads of {@code kind} answered so far. */
  long okReads(ReadKind kind) {
    return okReads.get(kind).get();
  }

  private void run(int id, KuorumClient client) {
    Random random = new Random(id);
    long n = 0;
    while (running.get()) {
      n++;
      if (random.nextBoolean()) uniquePut(id, n, client);
      else sharedOp(id, n, random, client);
    }
  }

  private void uniquePut(int id, long n, KuorumClient client) {
    String key = "u-" + id + "-" + n;
    String value = "v" + n;
    long op = history.invoke(id, key, new KvInput.Put(value), System.nanoTime());
    try {
      client.put(key, value);
      history.ok(op, new KvOutput.PutDone(), System.nanoTime());
      acked.put(key, value);
      succeeded();
    } catch (RuntimeException e) {
      writeFailed(op, e);
    }
  }

  private void sharedOp(int id, long n, Random random, KuorumClient client) {
    String key = "r" + random.nextInt(SHARED_KEYS);
    int roll = random.nextInt(3);
    if (roll == 0) {
      String value = "c" + id + "." + n;
      long op = history.invoke(id, key, new KvInput.Put(value), System.nanoTime());
      try {
        client.put(key, value);
        history.ok(op, new KvOutput.PutDone(), System.nanoTime());
        succeeded();
      } catch (RuntimeException e) {
        writeFailed(op, e);
      }
    } else if (roll == 1) {
      ReadKind kind = everyReadKind ? ReadKind.values()[random.nextInt(ReadKind.values().length)] : ReadKind.LEADER;
      long op = kind == ReadKind.SERIALIZABLE
          ? history.invokeSerializableRead(id, key, System.nanoTime())
          : history.invoke(id, key, new KvInput.Get(), System.nanoTime());
      try {
        Optional<String> value = read(kind, key, random, client).map(KeyValue::valueUtf8);
        history.ok(op, new KvOutput.GetResult(value), System.nanoTime());
        okReads.get(kind).incrementAndGet();
      } catch (RuntimeException e) {
        history.fail(op); // a read that failed had no effect
      }
    } else {
      Optional<String> expected = random.nextBoolean() ? Optional.empty() : Optional.of("c" + random.nextInt(4) + "." + (n - 1));
      String value = "c" + id + "." + n;
      long op = history.invoke(id, key, new KvInput.Cas(expected, value), System.nanoTime());
      try {
        CasResult r = client.compareAndSet(key, expected, value);
        history.ok(op, new KvOutput.CasResult(r.succeeded()), System.nanoTime());
        succeeded();
      } catch (RuntimeException e) {
        writeFailed(op, e);
      }
    }
  }

  private Optional<KeyValue> read(ReadKind kind, String key, Random random, KuorumClient client) {
    return switch (kind) {
      case LEADER -> client.get(key);
      case ANY_MEMBER -> pinned.get(random.nextInt(pinned.size())).get(key, ReadConsistency.LINEARIZABLE);
      case LEASE -> client.get(key, ReadConsistency.LEASE);
      case SERIALIZABLE -> pinned.get(random.nextInt(pinned.size())).get(key, ReadConsistency.SERIALIZABLE);
    };
  }

  private void succeeded() {
    okWrites.incrementAndGet();
    long now = System.nanoTime();
    successTimes.add(now);
    allSuccessTimes.add(now);
  }

  /** Only a rejected argument surely did not apply; anything else may have (the client cannot know). */
  private void writeFailed(long op, RuntimeException e) {
    if (e instanceof KuorumException k && k.code() == Status.Code.INVALID_ARGUMENT) history.fail(op);
    else history.unknown(op);
  }

  long okWrites() {
    return okWrites.get();
  }

  void awaitWrites(long atLeast, Duration within) {
    await().atMost(within).until(() -> okWrites.get() >= atLeast);
  }

  /** Waits for the first write acknowledged after {@code nanoTime}; returns when it completed. */
  long awaitSuccessAfter(long nanoTime, Duration within) {
    long[] at = new long[1];
    await().atMost(within).pollInterval(Duration.ofMillis(5)).until(() -> {
      for (long t : successTimes) {
        if (t > nanoTime) {
          at[0] = t;
          return true;
        }
      }
      return false;
    });
    successTimes.removeIf(t -> t <= at[0]);
    return at[0];
  }

  /**
   * The longest time in [from, to] without any acknowledged operation: the pause clients saw.
   */
  long longestGapBetween(long from, long to) {
    List<Long> times = new ArrayList<>(allSuccessTimes.stream().filter(t -> t >= from && t <= to).sorted().toList());
    times.add(0, from);
    times.add(to);
    long longest = 0;
    for (int i = 1; i < times.size(); i++) longest = Math.max(longest, times.get(i) - times.get(i - 1));
    return longest;
  }

  /** Every acknowledged unique write, as it must be found at the end. */
  Map<String, String> acknowledged() {
    return Map.copyOf(acked);
  }

  void stop() {
    running.set(false);
    joinAll(threads);
  }

  /** Waits up to 30 s for each of {@code threads} to end. */
  static void joinAll(List<Thread> threads) {
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
    clients.forEach(KuorumClient::close);
    pinned.forEach(KuorumClient::close);
  }
}
