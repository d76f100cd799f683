package io.kuorum.raft;

/**
 * A state machine snapshot (§7): the state after applying every entry up to {@code index} (whose term
 * is {@code term}), with the configuration in force there. {@code data} is the state machine's own
 * encoding; the core carries it without reading it, and never copies or mutates it.
 */
public record Snapshot(long index, long term, ConfigurationEntry configuration, byte[] data) {

  public Snapshot {
    if (index < 1 || term < 1) throw new IllegalArgumentException("a snapshot covers index >= 1 of term >= 1, got " + index + "@" + term);
    if (configuration == null || data == null) throw new IllegalArgumentException("snapshot configuration and data are required");
  }

  @Override
  public String toString() {
    return "Snapshot[" + index + "@" + term + ", " + configuration.configuration() + ", " + data.length + "B]";
  }
}
