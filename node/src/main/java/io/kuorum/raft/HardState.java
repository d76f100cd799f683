package io.kuorum.raft;

/**
 * The state a server must make durable before it answers (Figure 2, "persistent state"): the current
 * term and the vote cast in it. The commit index is kept too, so a restarted node can apply what it
 * knows to be committed without waiting for a leader.
 */
public record HardState(long term, long votedFor, long commit) {

  /** Member ids are positive; {@code NONE} means "no vote cast" or "no leader known". */
  public static final long NONE = 0;

  public static final HardState INITIAL = new HardState(0, NONE, 0);

  public HardState {
    if (term < 0 || votedFor < 0 || commit < 0) {
      throw new IllegalArgumentException("hard state fields must be >= 0: " + term + "/" + votedFor + "/" + commit);
    }
  }
}
