package io.kuorum.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchMatcherTest {

  private final WatchMatcher<String> matcher = new WatchMatcher<>();

  private static KeySelector key(String k) {
    return new KeySelector.ExactKey(ByteString.copyFromUtf8(k));
  }

  private static KeySelector prefix(String p) {
    return new KeySelector.Prefix(ByteString.copyFromUtf8(p));
  }

  private List<String> matches(String key) {
    List<String> found = new ArrayList<>();
    matcher.forEachMatch(ByteString.copyFromUtf8(key), found::add);
    return found;
  }

  @Test
  void exactKeysMatchOnlyThemselves() {
    matcher.add(key("a/b"), "w1");
    assertThat(matches("a/b")).containsExactly("w1");
    assertThat(matches("a/bc")).isEmpty();
    assertThat(matches("a/")).isEmpty();
  }

  @Test
  void prefixesMatchEveryKeyStartingWithThem() {
    matcher.add(prefix("a/"), "p1");
    matcher.add(prefix("a/b"), "p2");
    matcher.add(prefix("b/"), "p3");
    matcher.add(key("a/b/c"), "k1");

    assertThat(matches("a/b/c")).containsExactlyInAnyOrder("p1", "p2", "k1");
    assertThat(matches("a/x")).containsExactly("p1");
    assertThat(matches("a")).as("shorter than every prefix").isEmpty();
    assertThat(matches("b/")).containsExactly("p3");
    assertThat(matches("c")).isEmpty();
  }

  @Test
  void theEmptyPrefixMatchesEveryKey() {
    matcher.add(prefix(""), "all");
    assertThat(matches("x")).containsExactly("all");
    assertThat(matches("anything/at/all")).containsExactly("all");
  }

  @Test
  void severalWatchersOnOneSelectorEachMatchOnce() {
    matcher.add(prefix("a"), "p1");
    matcher.add(prefix("a"), "p2");
    matcher.add(prefix("a"), "p2");
    assertThat(matcher.size()).isEqualTo(2);
    assertThat(matches("ab")).containsExactlyInAnyOrder("p1", "p2");
  }

  @Test
  void removedWatchersNoLongerMatchAndUnusedLengthsAreForgotten() {
    matcher.add(prefix("a/"), "p1");
    matcher.add(prefix("b/"), "p2");
    matcher.add(key("a/1"), "k1");

    assertThat(matcher.remove(prefix("a/"), "p1")).isTrue();
    assertThat(matcher.remove(prefix("a/"), "p1")).isFalse();
    assertThat(matcher.remove(key("a/1"), "other")).isFalse();
    assertThat(matches("a/1")).containsExactly("k1");
    assertThat(matches("b/1")).containsExactly("p2");

    matcher.remove(prefix("b/"), "p2");
    matcher.remove(key("a/1"), "k1");
    assertThat(matcher.size()).isZero();
    assertThat(matches("a/1")).isEmpty();
  }

  @Test
  void keysAndPrefixesWithTheSameBytesAreDifferentSelectors() {
    matcher.add(key("a"), "k");
    matcher.add(prefix("a"), "p");
    assertThat(matches("a")).containsExactlyInAnyOrder("k", "p");
    assertThat(matches("ab")).containsExactly("p");
    matcher.remove(prefix("a"), "p");
    assertThat(matches("a")).containsExactly("k");
  }
}
