package io.kuorum.raft;

/**
 * What the leader knows about one follower's log (Figure 2's nextIndex and matchIndex) and how it
 * sends to it. In PROBE the leader sends one AppendEntries at a time until it finds where the logs
 * match; in REPLICATE it streams entries optimistically, bounded by {@link Inflights}.
 */
final class FollowerProgress {

  /** SNAPSHOT: an InstallSnapshot is on its way; nothing else is sent until it is acknowledged. */
  enum State { PROBE, REPLICATE, SNAPSHOT }

  private State state = State.PROBE;
  private long match;
  private long next;
  private boolean probeSent;
  private boolean recentActive = true;
  private long matchAtLastCheck;
  private long leaderLastIndexAtLastCheck;
  private final Inflights inflights;

  FollowerProgress(long next, int maxInflightMessages, long maxInflightBytes) {
    this.next = next;
    this.inflights = new Inflights(maxInflightMessages, maxInflightBytes);
  }

  State state() {
    return state;
  }

  long match() {
    return match;
  }

  long next() {
    return next;
  }

  Inflights inflights() {
    return inflights;
  }

  boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.isFull();
      case SNAPSHOT -> true;
    };
  }

  /** Called after an AppendEntries went out whose last entry is {@code lastIndex} (or none, for an empty one). */
  void sent(long lastIndex, long bytes, boolean hasEntries) {
    if (state == State.REPLICATE) {
      if (hasEntries) {
        next = lastIndex + 1;
        inflights.add(lastIndex, bytes);
      }
    } else {
      probeSent = true;
    }
  }

  /**
   * A success reply says the follower matches up to {@code index}. Returns whether that is news:
   * replies arrive duplicated and out of order, and an old one must not move the progress back.
   */
  boolean maybeUpdate(long index) {
    boolean updated = false;
    if (index > match) {
      match = index;
      probeSent = false;
      updated = true;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /**
   * A rejection of the AppendEntries whose prevLogIndex was {@code rejected}; {@code matchHint} is the
   * highest index that may still match. Returns false for a stale rejection, which must be ignored.
   */
  boolean maybeDecrTo(long rejected, long matchHint) {
    if (state == State.REPLICATE) {
      if (rejected <= match) return false; // answer to a message sent before a later success
      next = match + 1;
      return true;
    }
    if (state == State.SNAPSHOT || next - 1 != rejected) return false; // not the probe we are waiting for
    next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
    probeSent = false;
    return true;
  }

  void becomeProbe() {
    state = State.PROBE;
    next = match + 1;
    probeSent = false;
    inflights.reset();
  }

  /** The follower needs entries this leader compacted: it is sent the snapshot ending at {@code index}. */
  void becomeSnapshot(long index) {
    state = State.SNAPSHOT;
    next = index + 1;
    inflights.reset();
    // A snapshot takes time to arrive and install: it counts as stalled only after a whole period
    // without progress, not at the first check after it left.
    matchAtLastCheck = match;
    leaderLastIndexAtLastCheck = 0;
  }

  void becomeReplicate() {
    state = State.REPLICATE;
    next = match + 1;
    inflights.reset();
  }

  /** The follower answered: it counts as active for check-quorum. */
  void heardFrom() {
    recentActive = true;
  }

  /** A heartbeat reply proves the follower is alive: resume a probe whose reply was lost. */
  void resumeAfterHeartbeat() {
    probeSent = false;
    if (state == State.REPLICATE && inflights.isFull()) inflights.freeFirst();
  }

  boolean recentActive() {
    return recentActive;
  }

  void clearRecentActive() {
    recentActive = false;
  }

  /**
   * Once per election timeout: a follower in REPLICATE whose match did not move for a whole period
   * although entries were already outstanding at its start may have lost the tail of the stream,
   * with nothing behind it to trigger a rejection; probing again recovers it. Entries sent since the
   * last check do not count: they may simply still be on their way.
   */
  boolean isStalled(long leaderLastIndex) {
    // A snapshot that was lost on the way is stalled the same way: the next probe sends it again.
    boolean stalled = state != State.PROBE && match == matchAtLastCheck && match < leaderLastIndexAtLastCheck;
    matchAtLastCheck = match;
    leaderLastIndexAtLastCheck = leaderLastIndex;
    return stalled;
  }

  @Override
  public String toString() {
    return state + "{match=" + match + ", next=" + next + ", inflight=" + inflights.count() + "}";
  }
}
