package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quorum math. Tables use a compact notation: voters "1,2,3"; match indexes "1=5,2=3" (a voter not
 * listed has match 0, as the contract of {@link Quorum#committedIndex} says); votes "1=y,2=n" (a voter
 * not listed has not answered).
 */
class QuorumTest {

  // ------------------------------------------------------------------ simple majority

  @ParameterizedTest(name = "voters {0}, matches {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # 1 voter: its own match index
      1             | 1=7                     | 7
      1             |                         | 0
      # 2 voters: majority is 2, so the smaller one
      1,2           | 1=5,2=3                 | 3
      1,2           | 1=5                     | 0
      1,2           | 1=4,2=4                 | 4
      # 3 voters: the median
      1,2,3         | 1=5,2=3,3=4             | 4
      1,2,3         | 1=5,2=5,3=0             | 5
      1,2,3         | 1=5,2=4                 | 4
      1,2,3         | 1=5                     | 0
      1,2,3         | 1=3,2=3,3=3             | 3
      # 4 voters: majority is 3, so the 3rd largest
      1,2,3,4       | 1=1,2=2,3=3,4=4         | 2
      1,2,3,4       | 1=9,2=9,3=1,4=1         | 1
      1,2,3,4       | 1=9,2=9,3=9             | 9
      1,2,3,4       | 1=9,2=9                 | 0
      # 5 voters: majority is 3
      1,2,3,4,5     | 1=1,2=2,3=3,4=4,5=5     | 3
      1,2,3,4,5     | 1=10,2=10               | 0
      1,2,3,4,5     | 1=10,2=10,3=7           | 7
      1,2,3,4,5     | 1=2,2=9,3=4,4=9,5=1     | 4
      # 7 voters: majority is 4
      1,2,3,4,5,6,7 | 1=7,2=6,3=5,4=4,5=3,6=2,7=1 | 4
      1,2,3,4,5,6,7 | 1=8,2=8,3=8,4=8         | 8
      1,2,3,4,5,6,7 | 1=8,2=8,3=8             | 0
      # ids need not be contiguous; matches of non-voters are ignored
      10,20,30      | 10=6,30=2,20=4          | 4
      1,2,3         | 1=1,2=1,3=1,4=100,5=100 | 1
      """)
  void majorityCommittedIndex(String voters, String matches, long expected) {
    assertThat(majority(voters).committedIndex(matches(matches))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "voters {0}, votes {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      1             |                 | PENDING
      1             | 1=y             | WON
      1             | 1=n             | LOST
      # even sizes: a tie cannot win (majority of 2 is 2, of 4 is 3)
      1,2           |                 | PENDING
      1,2           | 1=y             | PENDING
      1,2           | 1=y,2=y         | WON
      1,2           | 1=y,2=n         | LOST
      1,2           | 1=n             | LOST
      1,2,3         |                 | PENDING
      1,2,3         | 1=y             | PENDING
      1,2,3         | 1=y,2=y         | WON
      1,2,3         | 1=y,2=n         | PENDING
      1,2,3         | 1=n,2=n         | LOST
      1,2,3         | 1=y,2=n,3=y     | WON
      1,2,3         | 1=y,2=n,3=n     | LOST
      1,2,3,4       | 1=y,2=y         | PENDING
      1,2,3,4       | 1=y,2=y,3=n     | PENDING
      1,2,3,4       | 1=y,2=y,3=n,4=n | LOST
      1,2,3,4       | 1=y,2=y,3=y     | WON
      1,2,3,4       | 1=n,2=n         | LOST
      1,2,3,4       | 1=n             | PENDING
      1,2,3,4,5     | 1=y,2=y,3=y     | WON
      1,2,3,4,5     | 1=n,2=n,3=n     | LOST
      1,2,3,4,5     | 1=y,2=y,3=n,4=n | PENDING
      1,2,3,4,5,6,7 | 1=y,2=y,3=y,4=y | WON
      1,2,3,4,5,6,7 | 1=n,2=n,3=n,4=n | LOST
      1,2,3,4,5,6,7 | 1=y,2=y,3=y,4=n,5=n,6=n | PENDING
      # votes from non-members count for nothing
      1,2,3         | 4=y,5=y,6=y     | PENDING
      1,2,3         | 1=y,4=y,5=y     | PENDING
      1,2,3         | 1=y,4=n,5=n     | PENDING
      """)
  void majorityVoteResult(String voters, String votes, VoteResult expected) {
    assertThat(majority(voters).voteResult(votes(votes))).isEqualTo(expected);
  }

  @Test
  void emptyMajorityCommitsAnythingAndWinsAnyVote() {
    // The neutral element of joint consensus (§6): a missing half must not constrain the other.
    MajorityQuorum empty = new MajorityQuorum(Set.of());
    assertThat(empty.committedIndex(id -> 0)).isEqualTo(Long.MAX_VALUE);
    assertThat(empty.voteResult(Map.of())).isEqualTo(VoteResult.WON);
    assertThat(empty.voteResult(Map.of(1L, false, 2L, false))).isEqualTo(VoteResult.WON);
  }

  @ParameterizedTest(name = "size {0} -> majority {1}")
  @CsvSource({"1,1", "2,2", "3,2", "4,3", "5,3", "6,4", "7,4"})
  void majorityIsMoreThanHalf(int size, int expected) {
    Set<Long> voters = new TreeSet<>();
    for (long id = 1; id <= size; id++) voters.add(id);
    MajorityQuorum q = new MajorityQuorum(voters);
    assertThat(q.size()).isEqualTo(size);
    assertThat(q.majority()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void memberIdsMustBePositive(long bad) {
    assertThatThrownBy(() -> MajorityQuorum.of(1L, bad)).isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ joint consensus (§6)

  @ParameterizedTest(name = "in {0} out {1}, matches {2} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      # disjoint-ish halves sharing voter 3: the minimum of the two majorities
      1,2,3 | 3,4,5     | 1=9,2=9,3=1,4=1,5=1     | 1
      1,2,3 | 3,4,5     | 1=5,2=5,3=5,4=5         | 5
      1,2,3 | 3,4,5     | 1=7,2=6,3=5,4=4,5=3     | 4
      # a majority of C_new alone does NOT commit during the joint phase
      1,2,3 | 3,4,5     | 1=9,2=9                 | 0
      # nor does a majority of C_old alone
      1,2,3 | 3,4,5     | 3=9,4=9,5=9             | 0
      # overlapping halves
      1,2,3 | 2,3,4     | 2=5,3=5                 | 5
      1,2,3 | 2,3,4     | 1=5,2=5                 | 0
      1,2,3 | 2,3,4     | 1=8,2=6,3=4,4=2         | 4
      # identical halves behave like the simple majority
      1,2,3 | 1,2,3     | 1=4,2=3,3=2             | 3
      # halves of different sizes
      1,2,3,4,5 | 6     | 1=5,2=5,3=5,6=2         | 2
      1,2,3,4,5 | 6     | 1=5,2=5,6=9             | 0
      1     | 1,2,3     | 1=7,2=3                 | 3
      # an empty half is neutral
      1,2,3 |           | 1=5,2=4,3=1             | 4
            | 1,2,3     | 1=5,2=4,3=1             | 4
      """)
  void jointCommittedIndex(String incoming, String outgoing, String matches, long expected) {
    JointQuorum q = joint(incoming, outgoing);
    LongUnaryOperator m = matches(matches);
    assertThat(q.committedIndex(m)).isEqualTo(expected)
        .isEqualTo(Math.min(q.incoming().committedIndex(m), q.outgoing().committedIndex(m)));
  }

  @ParameterizedTest(name = "in {0} out {1}, votes {2} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      1,2,3 | 3,4,5 |                     | PENDING
      # a majority of C_new alone does NOT win during the joint phase
      1,2,3 | 3,4,5 | 1=y,2=y             | PENDING
      # voter 3 is in both, yet 1 of 3 is no majority of C_old
      1,2,3 | 3,4,5 | 1=y,2=y,3=y         | PENDING
      1,2,3 | 3,4,5 | 1=y,2=y,3=y,4=y     | WON
      # the shared voter counts in both halves
      1,2,3 | 3,4,5 | 2=y,3=y,4=y         | WON
      1,2,3 | 3,4,5 | 1=y,2=n,3=y,4=n,5=y | WON
      # C_new won but C_old can no longer win
      1,2,3 | 3,4,5 | 1=y,2=y,3=y,4=n,5=n | LOST
      1,2,3 | 3,4,5 | 1=y,2=y,4=n,5=n     | LOST
      # C_old alone is not enough either
      1,2,3 | 3,4,5 | 3=y,4=y,5=y         | PENDING
      1,2,3 | 3,4,5 | 1=n,2=n,4=y,5=y     | LOST
      1,2,3 | 3,4,5 | 1=n,2=n,3=n,4=n,5=n | LOST
      1,2,3 | 3,4,5 | 1=n,4=n             | PENDING
      # overlapping halves
      1,2,3 | 2,3,4 | 2=y,3=y             | WON
      1,2,3 | 2,3,4 | 1=y,2=y             | PENDING
      1,2,3 | 2,3,4 | 1=y,2=y,3=n,4=n     | LOST
      # identical halves behave like the simple majority
      1,2,3 | 1,2,3 | 1=y,2=y             | WON
      1,2,3 | 1,2,3 | 1=n,2=n             | LOST
      1,2,3 | 1,2,3 | 1=y                 | PENDING
      # even-sized half: a tie there loses the joint vote
      1,2,3 | 1,2,3,4 | 1=y,2=y,3=n,4=n   | LOST
      1,2,3 | 1,2,3,4 | 1=y,2=y,4=y       | WON
      # an empty half is neutral
      1,2,3 |       | 1=y,2=y             | WON
      1,2,3 |       | 1=n,2=n             | LOST
            | 1,2,3 | 1=y                 | PENDING
            |       |                     | WON
      """)
  void jointVoteResult(String incoming, String outgoing, String votes, VoteResult expected) {
    assertThat(joint(incoming, outgoing).voteResult(votes(votes))).isEqualTo(expected);
  }

  @Test
  void jointVotersAreTheUnion() {
    assertThat(joint("1,2,3", "3,4,5").voters()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    assertThat(joint("1,2,3", "").voters()).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(majority("3,1,2").voters()).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  // ------------------------------------------------------------------ randomized properties

  /**
   * committedIndex is the largest n such that a majority (of each half, for a joint quorum) has
   * match >= n; with no voter at all every index qualifies, so it is Long.MAX_VALUE.
   */
  @Test
  void committedIndexMatchesBruteForceDefinition() {
    Random random = new Random(20240611L);
    for (int round = 0; round < 5_000; round++) {
      Set<Long> in = randomVoters(random);
      Set<Long> out = random.nextInt(3) == 0 ? Set.of() : randomVoters(random);
      Map<Long, Long> match = new TreeMap<>();
      for (long id = 1; id <= 9; id++) {
        if (random.nextInt(4) != 0) match.put(id, (long) random.nextInt(12)); // others missing -> 0
      }
      LongUnaryOperator m = id -> match.getOrDefault(id, 0L);
      MajorityQuorum incoming = new MajorityQuorum(in);
      JointQuorum jq = new JointQuorum(incoming, new MajorityQuorum(out));

      String why = "in=" + in + " out=" + out + " match=" + match + " (round " + round + ")";
      assertThat(incoming.committedIndex(m)).as(why).isEqualTo(bruteCommitted(List.of(in), match));
      assertThat(jq.committedIndex(m)).as(why).isEqualTo(bruteCommitted(List.of(in, out), match));
    }
  }

  /**
   * voteResult against a definition by enumeration: WON if every way the missing voters could still
   * answer wins, LOST if none does, PENDING otherwise. A completion wins if every half has a
   * majority of yes.
   */
  @Test
  void voteResultMatchesBruteForceDefinition() {
    Random random = new Random(7L);
    for (int round = 0; round < 3_000; round++) {
      Set<Long> in = randomVoters(random);
      Set<Long> out = random.nextInt(3) == 0 ? Set.of() : randomVoters(random);
      Map<Long, Boolean> votes = new TreeMap<>();
      for (long id = 1; id <= 9; id++) {
        int r = random.nextInt(3);
        if (r != 0) votes.put(id, r == 1); // r == 0: no answer yet
      }
      String why = "in=" + in + " out=" + out + " votes=" + votes + " (round " + round + ")";
      assertThat(new MajorityQuorum(in).voteResult(votes)).as(why).isEqualTo(bruteVote(List.of(in), votes));
      assertThat(new JointQuorum(new MajorityQuorum(in), new MajorityQuorum(out)).voteResult(votes)).as(why)
          .isEqualTo(bruteVote(List.of(in, out), votes));
    }
  }

  private static Set<Long> randomVoters(Random random) {
    Set<Long> voters = new TreeSet<>();
    int size = random.nextInt(8); // 0..7, the empty set included
    while (voters.size() < size) voters.add(1L + random.nextInt(9));
    return voters;
  }

  private static boolean hasMajority(Set<Long> half, LongPredicate says) {
    long yes = half.stream().filter(says::test).count();
    return half.isEmpty() || 2 * yes > half.size();
  }

  private static long bruteCommitted(List<Set<Long>> halves, Map<Long, Long> match) {
    if (halves.stream().allMatch(Set::isEmpty)) return Long.MAX_VALUE;
    long best = 0; // index 0 is trivially held by everyone
    for (long n = 0; n <= 12; n++) {
      final long candidate = n;
      boolean all = halves.stream().allMatch(h -> hasMajority(h, id -> match.getOrDefault(id, 0L) >= candidate));
      if (all) best = n;
    }
    return best;
  }

  private static VoteResult bruteVote(List<Set<Long>> halves, Map<Long, Boolean> votes) {
    Set<Long> everyone = new TreeSet<>();
    halves.forEach(everyone::addAll);
    List<Long> missing = new ArrayList<>();
    for (long id : everyone) if (!votes.containsKey(id)) missing.add(id);
    boolean someWin = false;
    boolean someLoss = false;
    for (int mask = 0; mask < (1 << missing.size()); mask++) {
      Set<Long> yes = new HashSet<>();
      votes.forEach((id, v) -> { if (v) yes.add(id); });
      for (int b = 0; b < missing.size(); b++) if ((mask & (1 << b)) != 0) yes.add(missing.get(b));
      boolean win = halves.stream().allMatch(h -> hasMajority(h, yes::contains));
      if (win) someWin = true;
      else someLoss = true;
    }
    if (!someLoss) return VoteResult.WON;
    if (!someWin) return VoteResult.LOST;
    return VoteResult.PENDING;
  }

  // ------------------------------------------------------------------ notation

  private static Set<Long> ids(String csv) {
    Set<Long> out = new TreeSet<>();
    if (csv == null || csv.isBlank()) return out;
    for (String s : csv.split(",")) out.add(Long.parseLong(s.trim()));
    return out;
  }

  private static MajorityQuorum majority(String voters) {
    return new MajorityQuorum(ids(voters));
  }

  private static JointQuorum joint(String incoming, String outgoing) {
    return new JointQuorum(majority(incoming), majority(outgoing));
  }

  private static LongUnaryOperator matches(String spec) {
    Map<Long, Long> m = new TreeMap<>();
    if (spec != null && !spec.isBlank()) {
      for (String kv : spec.split(",")) {
        String[] p = kv.trim().split("=");
        m.put(Long.parseLong(p[0]), Long.parseLong(p[1]));
      }
    }
    return id -> m.getOrDefault(id, 0L);
  }

  private static Map<Long, Boolean> votes(String spec) {
    Map<Long, Boolean> m = new TreeMap<>();
    if (spec != null && !spec.isBlank()) {
      for (String kv : spec.split(",")) {
        String[] p = kv.trim().split("=");
        m.put(Long.parseLong(p[0]), switch (p[1]) {
          case "y" -> true;
          case "n" -> false;
          default -> throw new IllegalArgumentException("vote must be y or n: " + kv);
        });
      }
    }
    return m;
  }
}
