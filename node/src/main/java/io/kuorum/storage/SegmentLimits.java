package io.kuorum.storage;

/**
 * When the head segment is sealed and a new one started: after {@code entries} entries or
 * {@code bytes} bytes of encoded entries, whichever comes first. Smaller segments give compacted space
 * back sooner (a file is deleted once compaction passes its last entry); larger ones create files
 * less often (creating one costs a few fsyncs, measured in BENCHMARKS.md).
 */
public record SegmentLimits(long entries, long bytes) {

  public static final SegmentLimits DEFAULT = new SegmentLimits(16_384, 64L << 20);

  public SegmentLimits {
    if (entries < 1 || bytes < 1) throw new IllegalArgumentException("segment limits must be >= 1: " + entries + " entries, " + bytes + " bytes");
  }
}
