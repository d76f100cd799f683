package io.kuorum.server;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Answers to clients that the Raft thread produced, completed on a thread of their own. Completing an
 * answer sends its gRPC response (serializing it, queueing the write to the connection): work that
 * measured about a third of the Raft thread's time under 256 writing clients, and that need not hold
 * up the one thread every request passes through. The answers of one pass of the Raft loop go over as
 * one task, so there is no thread hand-off per request. Collected on the Raft thread only.
 */
final class Replies implements AutoCloseable {

  private record Reply(CompletableFuture<Message> answer, Message value) {}

  private final ExecutorService thread;
  private List<Reply> batch = new ArrayList<>();

  Replies(long nodeId) {
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kuorum-replies-" + nodeId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Completes {@code answer} with {@code value} at the next {@link #flush}. */
  void add(CompletableFuture<Message> answer, Message value) {
    batch.add(new Reply(answer, value));
  }

  /** Hands the answers collected so far to the reply thread. */
  void flush() {
    if (batch.isEmpty()) return;
    List<Reply> ready = batch;
    batch = new ArrayList<>();
    thread.execute(() -> {
      for (Reply r : ready) r.answer().complete(r.value());
    });
  }

  /** Sends what was collected, then stops the thread once it has answered everything. */
  @Override
  public void close() {
    flush();
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
