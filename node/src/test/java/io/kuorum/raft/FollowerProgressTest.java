package io.kuorum.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.raft.FollowerProgress.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FollowerProgressTest {

  private static FollowerProgress progress(long next) {
    return new FollowerProgress(next, 3, 1_000);
  }

  /** A follower known to match up to {@code match}, in REPLICATE with next = match + 1. */
  private static FollowerProgress replicating(long match) {
    FollowerProgress pr = progress(match + 1);
    pr.maybeUpdate(match);
    pr.becomeReplicate();
    return pr;
  }

  @Test
  void startsProbingAtTheGivenNextWithNothingMatched() {
    // Figure 2: nextIndex starts at leader last + 1, matchIndex at 0.
    FollowerProgress pr = progress(11);
    assertThat(pr.state()).isEqualTo(State.PROBE);
    assertThat(pr.next()).isEqualTo(11);
    assertThat(pr.match()).isZero();
    assertThat(pr.isPaused()).isFalse();
    assertThat(pr.recentActive()).isTrue();
  }

  // ------------------------------------------------------------------ probe

  @Test
  void probePausesAfterOneSendWithoutMovingNext() {
    FollowerProgress pr = progress(11);
    pr.sent(12, 100, true);
    assertThat(pr.isPaused()).isTrue();
    assertThat(pr.next()).isEqualTo(11); // not optimistic: we do not know where the logs match yet
    assertThat(pr.inflights().count()).isZero();
  }

  @Test
  void probePausesAfterAnEmptyAppendToo() {
    FollowerProgress pr = progress(11);
    pr.sent(10, 0, false);
    assertThat(pr.isPaused()).isTrue();
  }

  @Test
  void probeResumesOnANewerAck() {
    FollowerProgress pr = progress(11);
    pr.sent(12, 100, true);

    assertThat(pr.maybeUpdate(12)).isTrue();

    assertThat(pr.isPaused()).isFalse();
    assertThat(pr.match()).isEqualTo(12);
    assertThat(pr.next()).isEqualTo(13);
  }

  @Test
  void probeStaysPausedOnAStaleAck() {
    // An old success says nothing about the probe now outstanding.
    FollowerProgress pr = progress(11);
    pr.maybeUpdate(5);
    pr.sent(12, 100, true);

    assertThat(pr.maybeUpdate(5)).isFalse();
    assertThat(pr.maybeUpdate(3)).isFalse();

    assertThat(pr.isPaused()).isTrue();
  }

  @Test
  void probeResumesAfterAHeartbeatReply() {
    // The probe or its reply was lost; a heartbeat reply proves the follower is reachable again.
    FollowerProgress pr = progress(11);
    pr.sent(12, 100, true);
    pr.resumeAfterHeartbeat();
    assertThat(pr.isPaused()).isFalse();
  }

  // ------------------------------------------------------------------ replicate

  @Test
  void replicateAdvancesNextOptimisticallyAndPausesWhenInflightsFull() {
    FollowerProgress pr = replicating(5); // at most 3 messages in flight
    assertThat(pr.state()).isEqualTo(State.REPLICATE);
    assertThat(pr.next()).isEqualTo(6);

    pr.sent(7, 10, true);
    assertThat(pr.next()).isEqualTo(8);
    assertThat(pr.isPaused()).isFalse();
    pr.sent(9, 10, true);
    assertThat(pr.isPaused()).isFalse();
    pr.sent(12, 10, true);

    assertThat(pr.next()).isEqualTo(13);
    assertThat(pr.inflights().count()).isEqualTo(3);
    assertThat(pr.isPaused()).isTrue();
    assertThat(pr.match()).isEqualTo(5); // only acks move match
  }

  @Test
  void replicatePausesWhenInflightBytesReached() {
    FollowerProgress pr = new FollowerProgress(6, 100, 50);
    pr.maybeUpdate(5);
    pr.becomeReplicate();
    pr.sent(6, 30, true);
    assertThat(pr.isPaused()).isFalse();
    pr.sent(7, 20, true);
    assertThat(pr.isPaused()).isTrue();
  }

  @Test
  void replicateEmptyAppendNeitherMovesNextNorTakesAWindowSlot() {
    FollowerProgress pr = replicating(5);
    pr.sent(5, 0, false);
    assertThat(pr.next()).isEqualTo(6);
    assertThat(pr.inflights().count()).isZero();
    assertThat(pr.isPaused()).isFalse();
  }

  @Test
  void replicateResumesWhenAcksFreeTheWindow() {
    FollowerProgress pr = replicating(5);
    pr.sent(7, 10, true);
    pr.sent(9, 10, true);
    pr.sent(12, 10, true);

    // What the leader does on a success reply.
    assertThat(pr.maybeUpdate(9)).isTrue();
    pr.inflights().freeUpTo(9);

    assertThat(pr.isPaused()).isFalse();
    assertThat(pr.match()).isEqualTo(9);
    assertThat(pr.next()).isEqualTo(13); // an ack below next does not pull next back
  }

  @Test
  void heartbeatReplyLetsOneMoreMessageThroughAFullWindow() {
    // Acks may have been lost; freeing the oldest slot lets the stream (and a rejection) restart.
    FollowerProgress pr = replicating(5);
    pr.sent(7, 10, true);
    pr.sent(9, 10, true);
    pr.sent(12, 10, true);

    pr.resumeAfterHeartbeat();

    assertThat(pr.isPaused()).isFalse();
    assertThat(pr.inflights().count()).isEqualTo(2);
  }

  @Test
  void heartbeatReplyLeavesAWindowWithRoomAlone() {
    FollowerProgress pr = replicating(5);
    pr.sent(7, 10, true);
    pr.resumeAfterHeartbeat();
    assertThat(pr.inflights().count()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ maybeUpdate

  /** Match 5, next 11; replies arrive duplicated and out of order and must never move progress back. */
  @ParameterizedTest(name = "ack {0} -> updated={1}, match={2}, next={3}")
  @CsvSource({
      "3,  false, 5,  11",
      "5,  false, 5,  11",
      "7,  true,  7,  11",
      "10, true,  10, 11",
      "12, true,  12, 13",
  })
  void maybeUpdateIgnoresStaleAcks(long ack, boolean updated, long match, long next) {
    FollowerProgress pr = progress(11);
    pr.maybeUpdate(5);
    assertThat(pr.match()).isEqualTo(5);
    assertThat(pr.next()).isEqualTo(11);

    assertThat(pr.maybeUpdate(ack)).isEqualTo(updated);

    assertThat(pr.match()).isEqualTo(match);
    assertThat(pr.next()).isEqualTo(next);
  }

  // ------------------------------------------------------------------ maybeDecrTo

  /**
   * REPLICATE, match 5, messages sent up to 10 (next 11). A rejection of prevLogIndex <= match answers
   * a message sent before a later success: stale. Otherwise fall back to match + 1 (§5.3).
   */
  @ParameterizedTest(name = "rejected {0} (hint {1}) -> {2}, next {3}")
  @CsvSource({
      "3,  0, false, 11",
      "5,  0, false, 11",
      "5,  9, false, 11",
      "6,  0, true,  6",
      "10, 8, true,  6",
      "10, 2, true,  6",
  })
  void maybeDecrToInReplicate(long rejected, long hint, boolean accepted, long next) {
    FollowerProgress pr = replicating(5);
    pr.sent(8, 10, true);
    pr.sent(10, 10, true);

    assertThat(pr.maybeDecrTo(rejected, hint)).isEqualTo(accepted);

    assertThat(pr.next()).isEqualTo(next);
    assertThat(pr.match()).isEqualTo(5);
    assertThat(pr.state()).isEqualTo(State.REPLICATE); // the leader decides to probe
  }

  /**
   * PROBE, match 5, next 21: the outstanding probe has prevLogIndex 20. Only its rejection counts;
   * then next = max(min(rejected, hint + 1), match + 1): back at least one, to just past the hint, and
   * never at or below what is known to match.
   */
  @ParameterizedTest(name = "rejected {0} (hint {1}) -> {2}, next {3}")
  @CsvSource({
      "20, 19, true,  20",
      "20, 12, true,  13",
      "20, 5,  true,  6",
      "20, 0,  true,  6",
      "20, 25, true,  20",
      "19, 12, false, 21",
      "21, 12, false, 21",
      "5,  0,  false, 21",
  })
  void maybeDecrToInProbe(long rejected, long hint, boolean accepted, long next) {
    FollowerProgress pr = progress(21);
    pr.maybeUpdate(5);
    pr.sent(20, 0, false);
    assertThat(pr.isPaused()).isTrue();

    assertThat(pr.maybeDecrTo(rejected, hint)).isEqualTo(accepted);

    assertThat(pr.next()).isEqualTo(next);
    assertThat(pr.match()).isEqualTo(5);
    assertThat(pr.state()).isEqualTo(State.PROBE);
    // An answer to the outstanding probe lets the next one go; a stale one does not.
    assertThat(pr.isPaused()).isEqualTo(!accepted);
  }

  @Test
  void probeWalksBackUntilTheLogsMatch() {
    FollowerProgress pr = progress(21);
    pr.sent(20, 0, false);
    assertThat(pr.maybeDecrTo(20, 14)).isTrue();
    assertThat(pr.next()).isEqualTo(15);
    pr.sent(14, 0, false);
    assertThat(pr.maybeDecrTo(20, 3)).as("duplicate of the first rejection").isFalse();
    assertThat(pr.maybeDecrTo(14, 3)).isTrue();
    assertThat(pr.next()).isEqualTo(4);
    pr.sent(3, 0, false);
    assertThat(pr.maybeUpdate(3)).isTrue();
    assertThat(pr.match()).isEqualTo(3);
    assertThat(pr.next()).isEqualTo(4);
  }

  // ------------------------------------------------------------------ state changes

  @Test
  void becomeReplicateAndBecomeProbeRestartFromMatchPlusOne() {
    FollowerProgress pr = progress(21);
    pr.maybeUpdate(5);
    assertThat(pr.next()).isEqualTo(21);

    pr.becomeReplicate();
    assertThat(pr.state()).isEqualTo(State.REPLICATE);
    assertThat(pr.next()).isEqualTo(6);

    pr.sent(8, 10, true);
    pr.sent(10, 10, true);
    pr.sent(12, 10, true);
    assertThat(pr.isPaused()).isTrue();

    pr.becomeProbe();
    assertThat(pr.state()).isEqualTo(State.PROBE);
    assertThat(pr.next()).isEqualTo(6);
    assertThat(pr.inflights().count()).isZero();
    assertThat(pr.inflights().bytes()).isZero();
    assertThat(pr.isPaused()).isFalse();

    pr.sent(6, 10, true);
    pr.becomeReplicate();
    assertThat(pr.next()).isEqualTo(6);
    assertThat(pr.inflights().count()).isZero();
  }

  @Test
  void becomeProbeClearsAPendingProbe() {
    FollowerProgress pr = progress(6);
    pr.sent(6, 10, true);
    pr.becomeProbe();
    assertThat(pr.isPaused()).isFalse();
  }

  @Test
  void recentActiveIsSetByHearingAndClearedByTheCheck() {
    FollowerProgress pr = progress(1);
    pr.clearRecentActive();
    assertThat(pr.recentActive()).isFalse();
    pr.heardFrom();
    assertThat(pr.recentActive()).isTrue();
  }

  // ------------------------------------------------------------------ stall detection

  @Test
  void replicateFollowerWhoseMatchDidNotMoveBetweenChecksIsStalled() {
    // The tail of the stream was lost and nothing came after it to provoke a rejection.
    FollowerProgress pr = replicating(5);
    pr.sent(10, 10, true);

    assertThat(pr.isStalled(10)).as("first check only records the baseline").isFalse();
    assertThat(pr.isStalled(10)).as("no progress since the last check").isTrue();
  }

  @Test
  void replicateFollowerThatMovedIsNotStalled() {
    FollowerProgress pr = replicating(5);
    pr.sent(10, 10, true);
    pr.isStalled(10);

    pr.maybeUpdate(7);
    assertThat(pr.isStalled(10)).isFalse();
    assertThat(pr.isStalled(10)).as("but stalls again if it stops at 7").isTrue();
  }

  @Test
  void caughtUpFollowerIsNeverStalled() {
    FollowerProgress pr = replicating(10);
    assertThat(pr.isStalled(10)).isFalse();
    assertThat(pr.isStalled(10)).isFalse();
    assertThat(pr.isStalled(10)).isFalse();
  }

  @Test
  void entriesSentJustBeforeACheckAreNotAStall() {
    // They may still be on their way: only entries outstanding for a whole period count.
    FollowerProgress pr = replicating(10);
    assertThat(pr.isStalled(10)).isFalse();
    pr.sent(11, 30, true);
    assertThat(pr.isStalled(11)).isFalse();
    assertThat(pr.isStalled(11)).as("still unacknowledged a period later").isTrue();
  }

  @Test
  void probingFollowerIsNeverStalled() {
    // In PROBE a lost message is recovered by the heartbeat path instead.
    FollowerProgress pr = progress(11);
    pr.maybeUpdate(5);
    pr.sent(10, 0, false);
    assertThat(pr.isStalled(10)).isFalse();
    assertThat(pr.isStalled(10)).isFalse();
  }
}
