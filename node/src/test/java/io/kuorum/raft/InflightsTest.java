package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InflightsTest {

  @ParameterizedTest(name = "maxMessages={0}, maxBytes={1}")
  @CsvSource({"0,100", "-1,100", "1,0", "1,-5"})
  void boundsMustBePositive(int maxMessages, long maxBytes) {
    assertThatThrownBy(() -> new Inflights(maxMessages, maxBytes)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "maxMessages={0}")
  @CsvSource({"1", "2", "3", "8"})
  void fullByCountExactlyWhenMaxMessagesAreInFlight(int maxMessages) {
    Inflights in = new Inflights(maxMessages, Long.MAX_VALUE);
    for (int i = 1; i <= maxMessages; i++) {
      assertThat(in.isFull()).as("before message %d", i).isFalse();
      in.add(i * 10L, 1);
    }
    assertThat(in.isFull()).isTrue();
    assertThat(in.count()).isEqualTo(maxMessages);

    in.freeUpTo(10); // the oldest acknowledged: room for one more
    assertThat(in.isFull()).isFalse();
    assertThat(in.count()).isEqualTo(maxMessages - 1);
  }

  /** Messages ending at 5, 10, 15 of 1, 2 and 4 bytes; freeUpTo(index) releases every message ending at or below it. */
  @ParameterizedTest(name = "freeUpTo({0}) leaves {1} messages, {2} bytes")
  @CsvSource({
      "0,   3, 7",
      "4,   3, 7",
      "5,   2, 6",
      "9,   2, 6",
      "10,  1, 4",
      "14,  1, 4",
      "15,  0, 0",
      "100, 0, 0",
  })
  void freeUpToReleasesWholeMessagesAtOrBelowTheIndex(long index, int count, long bytes) {
    Inflights in = new Inflights(10, 1_000);
    in.add(5, 1);
    in.add(10, 2);
    in.add(15, 4);

    in.freeUpTo(index);

    assertThat(in.count()).isEqualTo(count);
    assertThat(in.bytes()).isEqualTo(bytes);
  }

  @Test
  void freeUpToIsIdempotentAndNeverGoesBack() {
    Inflights in = new Inflights(10, 1_000);
    in.add(5, 1);
    in.add(10, 2);
    in.freeUpTo(7);
    in.freeUpTo(7);
    in.freeUpTo(3); // a stale, smaller acknowledgement frees nothing more and restores nothing
    assertThat(in.count()).isEqualTo(1);
    assertThat(in.bytes()).isEqualTo(2);
  }

  @Test
  void freeFirstDropsTheOldestWhateverItsIndex() {
    Inflights in = new Inflights(2, 1_000);
    in.add(5, 1);
    in.add(10, 2);
    assertThat(in.isFull()).isTrue();

    in.freeFirst();
    assertThat(in.count()).isEqualTo(1);
    assertThat(in.bytes()).isEqualTo(2);
    assertThat(in.isFull()).isFalse();

    in.freeFirst();
    in.freeFirst(); // on empty: no-op, bytes do not go negative
    assertThat(in.count()).isZero();
    assertThat(in.bytes()).isZero();
  }

  /** maxBytes 100: full once the bytes in flight reach it, whatever the count. */
  @ParameterizedTest(name = "sizes {0} -> full after each: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      60        | false
      60,39     | false,false
      60,40     | false,true
      60,39,1   | false,false,true
      99,2      | false,true
      100       | true
      10,10,10  | false,false,false
      """)
  void fullByBytesWhenTheLimitIsReached(String sizes, String fullAfterEach) {
    Inflights in = new Inflights(10, 100);
    String[] s = sizes.split(",");
    String[] f = fullAfterEach.split(",");
    for (int i = 0; i < s.length; i++) {
      in.add(i + 1, Long.parseLong(s[i].trim()));
      assertThat(in.isFull()).as("after adding %s", s[i]).isEqualTo(Boolean.parseBoolean(f[i].trim()));
    }
  }

  @Test
  void oneOversizedMessageIsAllowedWhenNothingIsInFlight() {
    // Otherwise an entry larger than the byte budget could never be sent at all.
    Inflights in = new Inflights(10, 100);
    assertThat(in.isFull()).isFalse();
    in.add(1, 500);
    assertThat(in.isFull()).isTrue(); // but only that one
    assertThat(in.bytes()).isEqualTo(500);

    in.freeUpTo(1);
    assertThat(in.isFull()).isFalse();
    assertThat(in.bytes()).isZero();
  }

  @Test
  void freeingBytesMakesRoom() {
    Inflights in = new Inflights(10, 100);
    in.add(1, 70);
    in.add(2, 30);
    assertThat(in.isFull()).isTrue();
    in.freeUpTo(1);
    assertThat(in.isFull()).isFalse();
    assertThat(in.bytes()).isEqualTo(30);
  }

  @ParameterizedTest(name = "after {0}, adding {1} is rejected")
  @CsvSource({"5,5", "5,4", "5,0"})
  void indexesMustIncrease(long first, long second) {
    // Messages go out in log order; a non-increasing index means the caller lost track of next.
    Inflights in = new Inflights(10, 1_000);
    in.add(first, 3);
    assertThatThrownBy(() -> in.add(second, 7)).isInstanceOf(IllegalArgumentException.class);
    assertThat(in.count()).isEqualTo(1);
    assertThat(in.bytes()).isEqualTo(3);
  }

  @Test
  void indexesMustIncreaseAcrossTheWholeWindowNotJustFromTheOldest() {
    Inflights in = new Inflights(10, 1_000);
    in.add(5, 1);
    in.add(10, 1);
    assertThatThrownBy(() -> in.add(7, 1)).isInstanceOf(IllegalArgumentException.class);
    in.add(11, 1);
    assertThat(in.count()).isEqualTo(3);
  }

  @Test
  void resetForgetsEverythingAndAllowsLowerIndexes() {
    // After a fall back to probing, the leader resends from match+1, below what was in flight.
    Inflights in = new Inflights(2, 100);
    in.add(10, 60);
    in.add(20, 60);
    assertThat(in.isFull()).isTrue();

    in.reset();

    assertThat(in.count()).isZero();
    assertThat(in.bytes()).isZero();
    assertThat(in.isFull()).isFalse();
    in.add(3, 1);
    assertThat(in.count()).isEqualTo(1);
  }
}
