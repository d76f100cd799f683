package io.kuorum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StoppableQueueTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @Test
  void itemsArriveInOrder() throws Exception {
    StoppableQueue<String> queue = new StoppableQueue<>(2);
    assertThat(queue.put("a")).isTrue();
    assertThat(queue.put("b")).isTrue();
    assertThat(queue.take()).isEqualTo("a");
    assertThat(queue.take()).isEqualTo("b");
  }

  @Test
  void aProducerWaitingForRoomGivesUpWhenTheConsumerStops() {
    StoppableQueue<String> queue = new StoppableQueue<>(1);
    assertThat(queue.put("fills it")).isTrue();
    Thread[] producer = new Thread[1];
    CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
      producer[0] = Thread.currentThread();
      return queue.put("no room");
    });
    // Waiting for room, as a watch listener's gRPC thread would after kuorumctl watch printed --count changes.
    await().atMost(PATIENCE).until(() -> producer[0] != null && producer[0].getState() == Thread.State.TIMED_WAITING);
    assertThat(blocked).isNotDone();

    queue.stop();

    await().atMost(PATIENCE).until(blocked::isDone);
    assertThat(blocked.join()).isFalse();
    assertThat(queue.put("after the stop")).isFalse();
  }
}
