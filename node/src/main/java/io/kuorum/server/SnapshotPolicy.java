package io.kuorum.server;

/**
 * When a node snapshots its state machine and compacts its log (§7): once this many entries, or this
 * many bytes of entries, were applied since the last snapshot; {@code keep} snapshots stay on disk.
 *
 * @param entries applied entries that trigger a snapshot; 0 disables snapshots
 * @param bytes applied entry bytes that trigger a snapshot; 0 disables the byte trigger
 * @param keep snapshots kept on disk (the newest; an older one is the fallback if the newest is corrupt)
 */
public record SnapshotPolicy(long entries, long bytes, int keep) {

  public static final SnapshotPolicy DEFAULT = new SnapshotPolicy(10_000, 64L << 20, 2);

  public SnapshotPolicy {
    if (entries < 0) throw new IllegalArgumentException("--snapshot-entries must be >= 0 (0: never), got " + entries);
    if (bytes < 0) throw new IllegalArgumentException("--snapshot-bytes must be >= 0 (0: no byte trigger), got " + bytes);
    if (keep < 1) throw new IllegalArgumentException("at least one snapshot must be kept, got " + keep);
  }

  public boolean enabled() {
    return entries > 0 || bytes > 0;
  }

  /** Whether {@code appliedEntries} entries of {@code appliedBytes} bytes since the last snapshot call for a new one. */
  public boolean due(long appliedEntries, long appliedBytes) {
    return (entries > 0 && appliedEntries >= entries) || (bytes > 0 && appliedBytes >= bytes);
  }
}
