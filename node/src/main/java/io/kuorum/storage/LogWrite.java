package io.kuorum.storage;

import io.kuorum.raft.Entry;
import io.kuorum.raft.HardState;
import java.util.List;
import java.util.Optional;

/**
 * One Ready batch's durable part: an optional new hard state, and entries that replace everything
 * stored at or after the first of them.
 */
public record LogWrite(Optional<HardState> hardState, List<Entry> entries) {
  public LogWrite {
    entries = List.copyOf(entries);
  }

  public boolean isEmpty() {
    return hardState.isEmpty() && entries.isEmpty();
  }
}
