package io.kuorum.snapshot;

import io.kuorum.raft.ConfigurationEntry;

/**
 * What a snapshot file says about itself besides the state: the last log entry it includes (index and
 * term) and the configuration in force at that entry, which a node installing it must adopt.
 */
public record SnapshotMeta(long index, long term, ConfigurationEntry configuration) {

  public SnapshotMeta {
    if (index < 1 || term < 1) throw new IllegalArgumentException("a snapshot covers index >= 1 of term >= 1, got " + index + "@" + term);
    if (configuration == null) throw new IllegalArgumentException("a snapshot needs the configuration at its index");
  }

  public SnapshotName name() {
    return new SnapshotName(index, term);
  }
}
