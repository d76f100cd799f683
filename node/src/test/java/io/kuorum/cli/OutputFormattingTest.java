package io.kuorum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.client.NodeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class OutputFormattingTest {
  @Test
  @SuppressWarnings("unchecked")
  void jsonStringsSurviveEveryAwkwardCharacter() {
    String nasty = "quote\" backslash\\ newline\n tab\t nul\u0000 bell\u0007 del\u007f"
        + " sep\u2028 emoji\uD83D\uDE00 lone\uD800 end";
    String json = new JsonWriter().beginObject().name(nasty).value(nasty)
        .name("list").beginArray().value(1).value(true).nullValue().beginObject().endObject()
        .endArray().endObject().toString();

    var parsed = StrictJson.object(json);
    assertThat(parsed).containsEntry(nasty, nasty);
    assertThat((List<Object>) parsed.get("list")).containsExactly(1L, true, StrictJson.NULL, Map.of());
    assertThat(json).doesNotContain("\n").contains("\\u0000", "\\u2028", "\\ud800");
  }

  @Test
  void tableColumnsAreAlignedAndControlCharactersEscaped() {
    String table = new TextTable(List.of("A", "LONG HEADER", "C"))
        .addRow(List.of("wide value", "x", ""))
        .addRow(List.of("t\tab", "y", "z"))
        .render();

    assertThat(table).isEqualTo(
        "A           LONG HEADER  C\n"
            + "wide value  x\n"
            + "t\\tab       y            z\n");
  }

  @Test
  void durationsAsPeopleTypeThem() {
    var converter = new DurationConverter();
    assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
    for (String bad : List.of("", "5", "soon", "0s", "-1s", "5 s")) {
      assertThatThrownBy(() -> converter.convert(bad)).as(bad)
          .isInstanceOf(TypeConversionException.class);
    }
  }

  @Test
  void leaderIsTheNodeThatLeadsInTheHighestTermElseTheOneNamed() {
    NodeStatus oldLeader = node("a:1", 1, "leader", 3, 1, "a:1");
    NodeStatus newLeader = node("b:1", 2, "LEADER", 4, 2, "");
    NodeStatus follower = node("c:1", 3, "follower", 4, 2, "b:1");
    NodeStatus down = NodeStatus.unreachable("d:1", "UNAVAILABLE");

    assertThat(ClusterLeader.find(List.of(oldLeader, newLeader, follower, down)))
        .contains(new ClusterLeader(2, "b:1"));
    assertThat(ClusterLeader.find(List.of(follower, down))).contains(new ClusterLeader(2, "b:1"));
    assertThat(ClusterLeader.find(List.of(node("c:1", 3, "candidate", 5, 0, ""), down))).isEmpty();
  }

  private static NodeStatus node(
      String endpoint, long id, String role, long term, long leaderId, String leaderAddress) {
    return new NodeStatus(endpoint, id, "c", role, term, leaderId, leaderAddress, 0, 0, 0,
        List.of(), false, OptionalLong.empty(), "v", Optional.empty());
  }
}
