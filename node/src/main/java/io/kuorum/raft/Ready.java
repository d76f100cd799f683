package io.kuorum.raft;

import java.util.List;
import java.util.Optional;

/**
 * Work the core hands to the runtime. The runtime processes Ready batches in the order it received
 * them, then calls {@link RaftCore#advance(Ready)} for each:
 * <ol>
 *   <li>send {@link #sendNow()} at once (a leader's AppendEntries may go out in parallel with its own
 *       write, dissertation §10.2.1: it counts itself only after {@code advance});</li>
 *   <li>if there is a {@link #snapshot()} (a leader's, installed on this follower): store it, continue
 *       the stored log after it, and load it into the state machine;</li>
 *   <li>make {@link #hardState()} and {@link #entries()} durable, atomically (one storage commit);
 *       {@code entries} replace any stored entries at or after their first index;</li>
 *   <li>only then send {@link #sendAfterPersist()}: votes and replies promise durable state;</li>
 *   <li>apply {@link #committed()} to the state machine, in order.</li>
 * </ol>
 * {@link #reads()} answer reads asked for with {@link RaftCore#requestRead}: they wait for nothing but
 * the state machine (a confirmed read is served once its index is applied), so the runtime handles them
 * at once. {@link #roleChanges()} and {@link #notices()} say what the node decided and why, for the log.
 */
public record Ready(
    Optional<HardState> hardState,
    Optional<Snapshot> snapshot,
    List<Entry> entries,
    List<Message> sendNow,
    List<Message> sendAfterPersist,
    List<Entry> committed,
    List<RoleChange> roleChanges,
    List<String> notices,
    List<ReadState> reads) {

  public Ready {
    entries = List.copyOf(entries);
    sendNow = List.copyOf(sendNow);
    sendAfterPersist = List.copyOf(sendAfterPersist);
    committed = List.copyOf(committed);
    roleChanges = List.copyOf(roleChanges);
    notices = List.copyOf(notices);
    reads = List.copyOf(reads);
  }

  /** A Ready that only makes {@code hardState} durable. */
  public static Ready ofHardState(HardState hardState) {
    return new Ready(Optional.of(hardState), Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of());
  }

  /** True when there is something to make durable before {@link #sendAfterPersist()} may leave. */
  public boolean mustPersist() {
    return hardState.isPresent() || snapshot.isPresent() || !entries.isEmpty();
  }
}
