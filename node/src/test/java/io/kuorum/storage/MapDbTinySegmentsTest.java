package io.kuorum.storage;

/**
 * The contract and the reopen tests again with a new segment every 3 entries, so that reads, writes,
 * truncations, compactions and snapshot resets all cross segment boundaries and seal, start and delete
 * segment files.
 */
class MapDbTinySegmentsTest extends MapDbLogStoreTest {
  @Override
  SegmentLimits limits() {
    return new SegmentLimits(3, 1 << 20);
  }
}
