package io.kuorum.client;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** Records what a watch delivers, for tests to wait on and compare. */
public class RecordingWatchListener implements WatchListener {

  /** One delivered change as (key, value, revision); a delete has the value "(deleted)". */
  public record Seen(String key, String value, long revision) {}

  public final List<Seen> events = new CopyOnWriteArrayList<>();
  public final List<String> connections = new CopyOnWriteArrayList<>();
  public final List<Long> progress = new CopyOnWriteArrayList<>();
  private final AtomicReference<KuorumException> error = new AtomicReference<>();

  public static Seen put(String key, String value, long revision) {
    return new Seen(key, value, revision);
  }

  public static Seen deleted(String key, long revision) {
    return new Seen(key, "(deleted)", revision);
  }

  @Override
  public void onEvent(WatchEvent event) {
    if (event instanceof WatchEvent.Put p) {
      events.add(new Seen(p.keyUtf8(), p.kv().valueUtf8(), p.revision()));
    } else {
      events.add(new Seen(event.keyUtf8(), "(deleted)", event.revision()));
    }
  }

  @Override
  public void onError(KuorumException e) {
    error.set(e);
  }

  @Override
  public void onProgress(long revision) {
    progress.add(revision);
  }

  @Override
  public void onConnected(String endpoint, long revision) {
    connections.add(endpoint);
  }

  public Optional<KuorumException> error() {
    return Optional.ofNullable(error.get());
  }

  /** The endpoint of the stream opened last. */
  public String attachedTo() {
    return connections.get(connections.size() - 1);
  }

  public long lastRevision() {
    return events.isEmpty() ? 0 : events.get(events.size() - 1).revision();
  }
}
