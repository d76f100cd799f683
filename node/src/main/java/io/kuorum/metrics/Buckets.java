package io.kuorum.metrics;

/** Classic histogram bucket bounds shared by Kuorum's histograms (upper bounds, in base units). */
final class Buckets {

  private Buckets() {}

  /** Sub-millisecond to a second: work on the Raft thread (applying a batch). */
  static final double[] FAST_SECONDS = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1};

  /** A tenth of a millisecond to a few seconds: disk commits. */
  static final double[] DISK_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
      2.5};

  /** Half a millisecond to 30 s (the default request deadline): client requests. */
  static final double[] REQUEST_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      30};

  /** Ten milliseconds to several minutes: snapshots. */
  static final double[] SNAPSHOT_SECONDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

  /** Counts of entries, 0 (a commit of the hard state alone) and powers of two. */
  static final double[] ENTRIES = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192};

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
