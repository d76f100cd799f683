package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuorum.raft.ConfigurationChange.Outcome;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Joint-consensus transitions (§6) and every change that must be refused, as tables. */
class ConfigurationChangeTest {

  private static Set<Long> ids(String csv) {
    if (csv.isBlank()) return new TreeSet<>();
    return Arrays.stream(csv.split(",")).map(String::trim).map(Long::valueOf).collect(Collectors.toCollection(TreeSet::new));
  }

  /** "voters|learners|outgoing", e.g. "1,2,3|4|" */
  private static Configuration config(String spec) {
    String[] p = (spec + "| | ").split("\\|", -1);
    return new Configuration(new TreeSet<>(ids(p[0])), new TreeSet<>(ids(p[1])), new TreeSet<>(ids(p[2])));
  }

  static Stream<Arguments> enterJointCases() {
    return Stream.of(
        Arguments.of("grow 3 -> 5 from caught-up learners", "1,2,3|4,5|", "1,2,3,4,5", "1,2,3,4,5||1,2,3"),
        Arguments.of("shrink 5 -> 3", "1,2,3,4,5||", "1,2,3", "1,2,3||1,2,3,4,5"),
        Arguments.of("replace a member", "1,2,3|4|", "1,2,4", "1,2,4||1,2,3"),
        Arguments.of("remove the leader's own id is allowed", "1,2,3||", "2,3", "2,3||1,2,3"),
        Arguments.of("1 -> 3", "1|2,3|", "1,2,3", "1,2,3||1"),
        Arguments.of("learners not promoted stay learners", "1,2,3|4,5|", "1,2,3,4", "1,2,3,4|5|1,2,3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("enterJointCases")
  void entersJointConsensus(String why, String current, String target, String expected) {
    Outcome o = ConfigurationChange.enterJoint(config(current), ids(target));
    assertThat(o).isEqualTo(new Outcome.Accepted(config(expected)));
    Configuration joint = ((Outcome.Accepted) o).next();
    assertThat(joint.isJoint()).isTrue();
    // and the leader later leaves it for C_new alone
    Outcome left = ConfigurationChange.leaveJoint(joint);
    assertThat(((Outcome.Accepted) left).next()).isEqualTo(new Configuration(joint.voters(), joint.learners(), new TreeSet<>()));
  }

  static Stream<Arguments> rejectedChanges() {
    return Stream.of(
        Arguments.of("second change while joint", "1,2,3,4||1,2,3", "enter:1,2", "a change is in progress"),
        Arguments.of("new voter not a learner", "1,2,3||", "enter:1,2,3,4", "member 4 is not a learner"),
        Arguments.of("empty voter set", "1,2,3||", "enter:", "empty"),
        Arguments.of("learner added while joint", "1,2,3,4||1,2,3", "addLearner:5", "a change is in progress"),
        Arguments.of("learner removed while joint", "1,2,3|5|1,2", "removeLearner:5", "a change is in progress"),
        Arguments.of("a voter cannot become a learner", "1,2,3||", "addLearner:2", "member 2 is a voter"),
        Arguments.of("an outgoing voter is still a voter", "1,2||1,2,3", "removeLearner:3", "change is in progress"),
        Arguments.of("removing a voter as if a learner", "1,2,3||", "removeLearner:3", "member 3 is a voter"),
        Arguments.of("non-positive id", "1,2,3||", "addLearner:0", "positive"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedChanges")
  void refusesUnsafeChanges(String why, String current, String change, String reason) {
    Outcome o = apply(config(current), change);
    assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.reason()).contains(reason));
  }

  static Stream<Arguments> noOps() {
    return Stream.of(
        Arguments.of("same voters again", "1,2,3||", "enter:1,2,3", "the voters already are [1, 2, 3]"),
        Arguments.of("leave when not joint", "1,2,3||", "leave", "no change is in progress"),
        Arguments.of("learner added twice", "1,2,3|4|", "addLearner:4", "already is a learner"),
        Arguments.of("learner removed twice", "1,2,3||", "removeLearner:4", "is not a learner"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noOps")
  void repeatingAFinishedChangeIsANoOpThatSaysSo(String why, String current, String change, String what) {
    assertThat(apply(config(current), change)).isInstanceOfSatisfying(Outcome.AlreadyDone.class,
        d -> assertThat(d.what()).contains(what));
  }

  private static Outcome apply(Configuration c, String change) {
    String[] p = change.split(":", 2);
    return switch (p[0]) {
      case "enter" -> ConfigurationChange.enterJoint(c, ids(p[1]));
      case "leave" -> ConfigurationChange.leaveJoint(c);
      case "addLearner" -> ConfigurationChange.addLearner(c, Long.parseLong(p[1]));
      case "removeLearner" -> ConfigurationChange.removeLearner(c, Long.parseLong(p[1]));
      default -> throw new IllegalArgumentException(change);
    };
  }

  @Test
  void theJointQuorumNeedsBothMajorities() {
    Configuration joint = config("4,5,6||1,2,3");
    Quorum q = joint.quorum();
    assertThat(q).isInstanceOf(JointQuorum.class);
    // C_new alone is not enough during the joint phase (the broken rule the simulator must catch later).
    long[] match = {0, 0, 0, 0, 9, 9, 9};
    assertThat(q.committedIndex(id -> match[(int) id])).isZero();
    long[] both = {0, 9, 9, 0, 9, 9, 0};
    assertThat(q.committedIndex(id -> both[(int) id])).isEqualTo(9);
    assertThat(joint.isVoter(1)).isTrue();
    assertThat(joint.members()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void invalidConfigurationsCannotBeBuilt() {
    assertThat(config("||")).isEqualTo(Configuration.none());
    assertThatThrownBy(() -> config("|3|")).hasMessageContaining("at least one voter");
    assertThatThrownBy(() -> config("|3|4")).hasMessageContaining("at least one voter");
    assertThatThrownBy(() -> config("1,2|2|")).hasMessageContaining("both a learner and a voter");
    assertThatThrownBy(() -> config("1|3|3")).hasMessageContaining("both a learner and a voter");
  }
}
