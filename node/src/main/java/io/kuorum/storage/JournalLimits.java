package io.kuorum.storage;

/**
 * How big the journal's files are and when the MapDB store catches up with them.
 *
 * @param fileBytes each journal file's preallocated size; an epoch that outgrows it waits for the checkpoint before
 * @param checkpointBytes journal bytes after which a checkpoint starts
 * @param checkpointEntries entries after which a checkpoint starts
 */
record JournalLimits(long fileBytes, long checkpointBytes, int checkpointEntries) {

  /**
   * A checkpoint every 2,048 entries or 1 MiB: a MapDB commit's fixed cost (about 1 ms, twice: two
   * copies) is then a few hundred nanoseconds per entry, and a restart replays at most two epochs.
   */
  static final JournalLimits DEFAULT = new JournalLimits(4L << 20, 1L << 20, 2048);

  JournalLimits {
    if (fileBytes < JournalFile.HEADER_BYTES * 2L || checkpointBytes < 1 || checkpointEntries < 1) {
      throw new IllegalArgumentException("journal limits must be positive and files at least two headers long");
    }
  }
}
