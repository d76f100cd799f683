package io.kuorum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderRouterTest {
  private final LeaderRouter router = new LeaderRouter(List.of("a:1", "b:1", "c:1"));

  @Test
  void startsAtTheFirstEndpointAndMovesOnInTurn() {
    assertThat(router.preferred()).isEqualTo("a:1");
    assertThat(router.after("a:1")).isEqualTo("b:1");
    assertThat(router.after("b:1")).isEqualTo("c:1");
    assertThat(router.after("c:1")).isEqualTo("a:1");
    assertThat(router.preferred()).isEqualTo("a:1");
  }

  @Test
  void remembersTheLeaderEvenOutsideTheList() {
    router.leaderAt("z:1");
    assertThat(router.preferred()).isEqualTo("z:1");
    // The leader went away: fall back to the list.
    assertThat(router.after("z:1")).isIn("a:1", "b:1", "c:1");
    assertThat(router.preferred()).isNotEqualTo("z:1");
  }

  @Test
  void aFailureElsewhereDoesNotMoveAKnownLeader() {
    router.leaderAt("c:1");
    router.after("a:1");
    assertThat(router.preferred()).isEqualTo("c:1");
  }

  @Test
  void endpointsAreValidatedAndDeduplicated() {
    assertThat(Endpoints.validate(List.of(" a:1", "a:1", "[::1]:7379")))
        .containsExactly("a:1", "[::1]:7379");
    for (String bad : List.of("a", "a:", ":1", "a:0", "a:70000", "a:x", "::1:7379")) {
      assertThatThrownBy(() -> Endpoints.validate(bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected host:port");
    }
  }
}
