package io.kuorum.transport;

import io.grpc.Status;
import io.grpc.StatusException;
import java.util.HashMap;
import java.util.Map;

/**
 * The snapshot calls this node is receiving, at most one per sender. A sender whose connection
 * broke may call again before this side noticed; the new call then takes over, and the old one is
 * stopped before the new one touches the sink, so the two never write the same staged snapshot.
 */
final class InboundSnapshots {
  /** Only a leader sends snapshots, and an old leader may still be finishing one: more is misbehaviour. */
  static final int MAX_SENDERS = 4;

  private final Map<Long, InboundSnapshot> active = new HashMap<>(); // guarded by this

  /**
   * Registers {@code call} as {@code from}'s one call, stopping the one it replaces (outside this
   * object's lock: stopping waits for that call's current write). RESOURCE_EXHAUSTED when
   * {@value #MAX_SENDERS} other senders are transferring already.
   */
  void claim(long from, InboundSnapshot call) throws StatusException {
    InboundSnapshot replaced;
    synchronized (this) {
      replaced = active.get(from);
      if (replaced == null && active.size() >= MAX_SENDERS) {
        throw SnapshotWire.refuse(Status.RESOURCE_EXHAUSTED, "node is receiving snapshots from " + active.size()
            + " other nodes already (" + active.keySet() + "); try again later");
      }
      active.put(from, call);
    }
    if (replaced != null) replaced.supersede();
  }

  synchronized void release(long from, InboundSnapshot call) {
    active.remove(from, call);
  }

  synchronized int size() {
    return active.size();
  }
}
