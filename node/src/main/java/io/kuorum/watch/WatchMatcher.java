package io.kuorum.watch;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Finds the watchers a changed key matches without looking at the others: exact keys by hash, and
 * prefixes by hashing the key's leading bytes once per distinct prefix length in use (a handful in
 * practice: "config/", "locks/"). So a change costs O(prefix lengths + matching watchers), never
 * O(all watchers). Not thread-safe: {@link WatchHub} guards it.
 *
 * @param <T> the watcher type (anything with identity)
 */
final class WatchMatcher<T> {

  private final Map<ByteString, Set<T>> exact = new HashMap<>();
  private final Map<ByteString, Set<T>> prefixes = new HashMap<>();
  /** Distinct prefix lengths in use, with how many prefixes have each. */
  private final TreeMap<Integer, Integer> prefixLengths = new TreeMap<>();
  private int size;

  void add(KeySelector selector, T watcher) {
    Map<ByteString, Set<T>> index = indexOf(selector);
    Set<T> set = index.computeIfAbsent(selector.bytes(), k -> {
      if (selector instanceof KeySelector.Prefix) prefixLengths.merge(k.size(), 1, Integer::sum);
      return new LinkedHashSet<>();
    });
    if (set.add(watcher)) size++;
  }

  /** Removes a watcher added with {@code selector}; returns whether it was there. */
  boolean remove(KeySelector selector, T watcher) {
    Map<ByteString, Set<T>> index = indexOf(selector);
    Set<T> set = index.get(selector.bytes());
    if (set == null || !set.remove(watcher)) return false;
    size--;
    if (set.isEmpty()) {
      index.remove(selector.bytes());
      if (selector instanceof KeySelector.Prefix) prefixLengths.computeIfPresent(selector.bytes().size(), (k, n) -> n == 1 ? null : n - 1);
    }
    return true;
  }

  /** Calls {@code action} once for every watcher whose selector matches {@code key}; it must not add or remove watchers. */
  void forEachMatch(ByteString key, Consumer<T> action) {
    Set<T> byKey = exact.get(key);
    if (byKey != null) byKey.forEach(action);
    for (int length : prefixLengths.headMap(key.size(), true).keySet()) {
      Set<T> byPrefix = prefixes.get(key.substring(0, length));
      if (byPrefix != null) byPrefix.forEach(action);
    }
  }

  int size() {
    return size;
  }

  private Map<ByteString, Set<T>> indexOf(KeySelector selector) {
    return selector instanceof KeySelector.Prefix ? prefixes : exact;
  }
}
