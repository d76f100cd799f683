package io.kuorum.client;

import java.util.List;

/**
 * Keys of a range read, in byte order.
 *
 * @param entries the keys found, at most the requested limit
 * @param more whether more keys matched than were returned
 * @param revision revision (log index) at which the read was served
 */
public record RangeResult(List<KeyValue> entries, boolean more, long revision) {
  public RangeResult {
    entries = List.copyOf(entries);
  }
}
