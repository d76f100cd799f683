package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.RecordingWatchListener;
import io.kuorum.client.Watch;
import io.kuorum.client.WatchTarget;
import io.kuorum.kv.proto.WatchRequest;
import io.kuorum.watch.WatchLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Watch rpc of one real node over loopback gRPC: validation, replay, history bounds, slow and cancelled watchers. */
class WatchServiceTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final Metadata.Key<String> RESUME = Metadata.Key.of("kuorum-watch-resume-revision", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> OLDEST = Metadata.Key.of("kuorum-watch-oldest-revision", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private KuorumServer server;
  private KuorumClient client;
  private ManagedChannel channel;

  private void start(WatchLimits limits) {
    server = SingleNode.start(dir.resolve("n1"), "watch", limits);
    client = KuorumClient.connect(List.of(SingleNode.endpoint(server)));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().maxInboundMessageSize(8 << 20).build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) c.close();
    if (channel != null) channel.shutdownNow();
    if (client != null) client.close();
    if (server != null) server.close();
  }

  private static WatchRequest.Builder prefix(String p) {
    return WatchRequest.newBuilder().setKey(ByteString.copyFromUtf8(p)).setPrefix(true);
  }

  private RawWatch watch(WatchRequest.Builder request) {
    return new RawWatch(channel, request.build(), Integer.MAX_VALUE);
  }

  private static RawWatch.Closed closed(RawWatch w) {
    await().atMost(PATIENCE).until(w.closed::isDone);
    return w.closed.join();
  }

  @Test
  void badRequestsAreRefusedWithPreciseMessages() {
    start(WatchLimits.DEFAULT);
    RawWatch noKey = watch(WatchRequest.newBuilder());
    assertThat(closed(noKey).status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(closed(noKey).status().getDescription()).isEqualTo("key must not be empty: name a key, or set prefix (an empty"
        + " prefix watches every key)");

    RawWatch longPrefix = watch(prefix("x".repeat(5000)));
    assertThat(closed(longPrefix).status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(closed(longPrefix).status().getDescription()).isEqualTo("prefix is 5000 bytes; the limit is 4096");

    RawWatch hugeRevision = watch(prefix("a").setStartRevision(-1));
    assertThat(closed(hugeRevision).status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(closed(hugeRevision).status().getDescription()).contains("18446744073709551615 is beyond any revision");
  }

  @Test
  void aWatchFromARevisionReplaysEveryMatchingChangeAfterItThenFollowsLiveOnes() {
    start(WatchLimits.DEFAULT);
    long first = client.put("a/1", "one");
    client.put("b/1", "other prefix");
    long second = client.put("a/2", "two");
    client.delete("missing");
    client.compareAndSet("a/2", Optional.of("nope"), "failed swap");
    long swapped = client.compareAndSet("a/2", Optional.of("two"), "swapped").revision();
    long deletedAt = client.put("x", "marker") + 1;
    client.delete("a/1");

    RawWatch w = watch(prefix("a/").setStartRevision(first));
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(w.events()).hasSize(4));
    assertThat(w.received.get(0).getCreated()).isTrue();
    assertThat(w.received.get(0).getRevision()).isEqualTo(first - 1);
    long live = client.put("a/3", "live");
    await().atMost(PATIENCE).until(() -> w.events().size() == 5);
    assertThat(w.events()).containsExactly("PUT a/1=one@" + first, "PUT a/2=two@" + second, "PUT a/2=swapped@" + swapped,
        "DELETE a/1@" + deletedAt, "PUT a/3=live@" + live);
    assertThat(w.received.get(w.received.size() - 1).getRevision()).isEqualTo(live);
  }

  @Test
  void aWatchFromNowSeesOnlyLaterChangesOfItsKeyAndGetsProgressWhenQuiet() {
    start(WatchLimits.DEFAULT);
    client.put("k", "before");
    RawWatch w = watch(WatchRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setProgressIntervalMs(100));
    await().atMost(PATIENCE).until(w::created);
    long created = w.received.get(0).getRevision();
    client.put("k2", "not this key");
    long at = client.put("k", "after");
    await().atMost(PATIENCE).until(() -> w.events().size() == 1);
    assertThat(w.events()).containsExactly("PUT k=after@" + at);
    assertThat(at).isGreaterThan(created);
    // With nothing more to send, progress messages report how far the member has applied.
    long later = client.put("k3", "unwatched");
    await().atMost(PATIENCE).until(() -> w.received.stream().anyMatch(r -> r.getEventsCount() == 0 && !r.getCreated()
        && r.getRevision() >= later));
  }

  @Test
  void aStartRevisionBeyondTheAppliedIndexWaitsForIt() {
    start(WatchLimits.DEFAULT);
    long now = client.put("k", "0");
    RawWatch w = watch(prefix("").setStartRevision(now + 3));
    await().atMost(PATIENCE).until(w::created);
    client.put("k", "1");
    client.put("k", "2");
    long third = client.put("k", "3");
    await().atMost(PATIENCE).until(() -> !w.events().isEmpty());
    assertThat(w.events()).containsExactly("PUT k=3@" + third);
  }

  @Test
  void aRevisionTheBoundedHistoryNoLongerHoldsIsOutOfRange() {
    start(WatchLimits.DEFAULT.withHistory(5, 1 << 20));
    long first = client.put("k", "0");
    long last = first;
    for (int i = 1; i < 20; i++) last = client.put("k", Integer.toString(i));

    RawWatch tooOld = watch(prefix("").setStartRevision(first));
    RawWatch.Closed end = closed(tooOld);
    long oldest = last - 4;
    assertThat(end.status().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(end.status().getDescription()).contains("the oldest revision it can replay is " + oldest)
        .contains("read the current state with Range and watch from that read's revision + 1");
    assertThat(end.trailers().get(OLDEST)).isEqualTo(Long.toString(oldest));

    RawWatch recent = watch(prefix("").setStartRevision(oldest));
    await().atMost(PATIENCE).until(() -> recent.events().size() == 5);
    assertThat(recent.events().get(0)).isEqualTo("PUT k=15@" + oldest);
  }

  @Test
  void aWatcherThatNeverReadsIsEndedWithWhereToResumeWhileWritesGoOn() {
    start(WatchLimits.DEFAULT.withBacklog(50, 1 << 20));
    client.put("warm-up", "opens the client's session, so the puts below take consecutive revisions");
    RawWatch stalled = new RawWatch(channel, prefix("big/").build(), 1); // takes the created message, then nothing
    await().atMost(PATIENCE).until(stalled::created);
    long from = stalled.received.get(0).getRevision() + 1;
    String value = "v".repeat(16 * 1024);
    // 400 x 16 KiB is far beyond what the transport buffers: the watcher falls behind, the writes do not wait for it.
    for (int i = 0; i < 400; i++) client.put("big/" + i, value);
    await().atMost(PATIENCE).until(() -> server.watchers() == 0);
    assertThat(client.put("after", "still writing")).isPositive();

    stalled.request(Integer.MAX_VALUE); // now read what was sent before the end, then the status
    RawWatch.Closed end = closed(stalled);
    assertThat(end.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(end.status().getDescription()).contains("the watcher fell behind").contains("resume from revision");
    long resume = Long.parseLong(end.trailers().get(RESUME));
    List<String> got = stalled.events();
    // What arrived is every change from the start, without a gap, up to just before the resume revision.
    assertThat(got).hasSize((int) (resume - from));
    for (int i = 0; i < got.size(); i++) assertThat(got.get(i)).startsWith("PUT big/" + i + "=").endsWith("@" + (from + i));
  }

  @Test
  void theJavaClientResumesASlowListenerFromHistoryAndReportsOutOfRangeAsFinal() throws Exception {
    start(WatchLimits.DEFAULT.withBacklog(50, 1 << 20));
    CountDownLatch release = new CountDownLatch(1);
    RecordingWatchListener heard = new RecordingWatchListener() {
      @Override
      public void onEvent(io.kuorum.client.WatchEvent event) {
        super.onEvent(event);
        try {
          release.await(); // a listener stuck on its first change: the member's backlog for it overflows
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    long from = client.put("big/start", "s");
    try (Watch watch = client.watch(WatchTarget.prefix("big/"), from, heard)) {
      String value = "v".repeat(16 * 1024);
      List<Long> revisions = new ArrayList<>(List.of(from));
      for (int i = 0; i < 400; i++) revisions.add(client.put("big/" + i, value));
      await().atMost(PATIENCE).until(() -> server.watchers() == 0); // the member ended the stream
      release.countDown();
      await().atMost(PATIENCE).until(() -> heard.lastRevision() == revisions.get(revisions.size() - 1));
      assertThat(heard.events.stream().map(RecordingWatchListener.Seen::revision).toList()).isEqualTo(revisions);
      assertThat(heard.connections).hasSizeGreaterThan(1);
      assertThat(heard.error()).isEmpty();
    }

    // 16 MiB of history holds about a thousand of these changes: 700 more push the first ones out.
    String value = "w".repeat(16 * 1024);
    for (int i = 0; i < 700; i++) client.put("more/" + i, value);
    RecordingWatchListener tooOld = new RecordingWatchListener();
    try (Watch watch = client.watch(WatchTarget.prefix(""), from, tooOld)) {
      await().atMost(PATIENCE).until(() -> tooOld.error().isPresent());
    }
    assertThat(tooOld.error().get().code()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(tooOld.error().get().getMessage()).contains("no member can resume the watch").contains("oldest revision");
  }

  @Test
  void aListenerThatClosesTheWatchHearsNothingMoreEvenFromTheMessageItIsIn() {
    start(WatchLimits.DEFAULT);
    long from = client.put("m/1", "1");
    client.put("m/2", "2");
    client.put("m/3", "3");
    CompletableFuture<Watch> opened = new CompletableFuture<>();
    RecordingWatchListener heard = new RecordingWatchListener() {
      @Override
      public void onEvent(io.kuorum.client.WatchEvent event) {
        super.onEvent(event);
        opened.join().close(); // the replay of all three changes comes in one message
      }
    };
    opened.complete(client.watch(WatchTarget.prefix("m/"), from, heard));
    // The member forgets the watch only after the cancel crossed the network, long after the rest of that
    // message would have been delivered.
    await().atMost(PATIENCE).until(() -> server.watchers() == 0 && !heard.events.isEmpty());
    assertThat(heard.events).containsExactly(RecordingWatchListener.put("m/1", "1", from));
    assertThat(heard.error()).isEmpty();
  }

  @Test
  void aWatchBeyondTheMaximumNumberOfWatchersIsRefusedUntilOneCloses() {
    start(WatchLimits.DEFAULT.withMaxWatchers(2));
    RawWatch first = watch(prefix("a/"));
    RawWatch second = watch(prefix("b/"));
    await().atMost(PATIENCE).until(() -> first.created() && second.created());

    RawWatch third = watch(prefix("c/"));
    RawWatch.Closed refused = closed(third);
    assertThat(refused.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.status().getDescription()).isEqualTo("node 1 already serves 2 watch streams, the limit set"
        + " by --watch-max-watchers; close watches no longer needed (one watch of a common prefix can replace many"
        + " of single keys), watch at another member, or raise --watch-max-watchers");
    assertThat(third.received).isEmpty();
    assertThat(server.watchers()).isEqualTo(2);

    first.cancel();
    await().atMost(PATIENCE).until(() -> server.watchers() == 1);
    RawWatch fourth = watch(prefix("c/"));
    await().atMost(PATIENCE).until(fourth::created);
    assertThat(fourth.closed).isNotDone();
  }

  @Test
  void aCancelledWatchIsForgottenAndShutdownEndsWatchesWithWhereToResume() {
    start(WatchLimits.DEFAULT);
    RecordingWatchListener heard = new RecordingWatchListener();
    Watch watch = client.watch(WatchTarget.prefix("p/"), heard);
    await().atMost(PATIENCE).until(() -> server.watchers() == 1);
    watch.close();
    await().atMost(PATIENCE).until(() -> server.watchers() == 0);

    long at = client.put("p/1", "x");
    RawWatch w = watch(prefix("p/").setStartRevision(at));
    await().atMost(PATIENCE).until(() -> w.events().size() == 1);
    server.close();
    server = null;
    RawWatch.Closed end = closed(w);
    assertThat(end.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(end.status().getDescription()).contains("shutting down").contains("resume from revision " + (at + 1));
    assertThat(end.trailers().get(RESUME)).isEqualTo(Long.toString(at + 1));
  }
}
