package io.kuorum.kv;

/**
 * Input limits of the key-value service, enforced before anything is proposed so that an oversized
 * or malformed request never reaches the log.
 *
 * @param maxKeyBytes largest key
 * @param maxValueBytes largest value
 * @param maxRangeLimit most keys one Range may ask for
 * @param defaultRangeLimit keys returned when a Range asks for 0
 */
public record KvLimits(int maxKeyBytes, int maxValueBytes, int maxRangeLimit, int defaultRangeLimit) {

  public static final KvLimits DEFAULT = new KvLimits(4 * 1024, 1024 * 1024, 10_000, 1_000);

  /** Largest gRPC request the client port accepts: one maximal key and value plus framing. */
  public int maxRequestBytes() {
    return maxKeyBytes + 2 * maxValueBytes + 4096;
  }
}
