package io.kuorum.client;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where to send the next request: the last address that served a request only a leader serves, or
 * that a node named leader, and otherwise the configured endpoints in turn (a read served by a
 * follower moves nothing). Shared by all operations of a client, so that one
 * operation's discovery of the leader saves the others the detour.
 */
final class LeaderRouter {
  private final List<String> endpoints;
  private final AtomicReference<String> preferred;
  private final AtomicInteger cursor = new AtomicInteger();

  LeaderRouter(List<String> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.preferred = new AtomicReference<>(endpoints.get(0));
  }

  List<String> endpoints() {
    return endpoints;
  }

  /** The address to try first. */
  String preferred() {
    return preferred.get();
  }

  /** A node named {@code address} as leader, or it served a request only a leader serves. */
  void leaderAt(String address) {
    preferred.set(address);
  }

  /**
   * The address to try after {@code failed} did not serve: the endpoint after it in the list, or,
   * for an address outside the list (a redirect target), the endpoints in turn.
   */
  String after(String failed) {
    int index = endpoints.indexOf(failed);
    int nextIndex =
        index >= 0
            ? (index + 1) % endpoints.size()
            : Math.floorMod(cursor.getAndIncrement(), endpoints.size());
    String next = endpoints.get(nextIndex);
    // Only move the shared preference if no other operation has found something better meanwhile.
    preferred.compareAndSet(failed, next);
    return next;
  }
}
