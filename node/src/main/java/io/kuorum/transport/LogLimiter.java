package io.kuorum.transport;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets one log line per key through per interval, so a misbehaving peer cannot flood the log. The
 * caller reports how many lines were suppressed in between.
 */
final class LogLimiter {
  // Keys can come from the wire (sender ids): bound the map rather than trust them.
  private static final int MAX_KEYS = 1024;

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<Object, Slot> slots = new ConcurrentHashMap<>();

  LogLimiter(Duration interval, LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  LogLimiter(Duration interval) {
    this(interval, System::nanoTime);
  }

  /** Present (with the number of lines suppressed since the last one) when this line should be logged. */
  OptionalLong permit(Object key) {
    if (slots.size() >= MAX_KEYS && !slots.containsKey(key)) slots.clear();
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    long now = nanoClock.getAsLong();
    synchronized (slot) {
      if (slot.logged && now - slot.lastNanos < intervalNanos) {
        slot.suppressed++;
        return OptionalLong.empty();
      }
      long suppressed = slot.suppressed;
      slot.logged = true;
      slot.lastNanos = now;
      slot.suppressed = 0;
      return OptionalLong.of(suppressed);
    }
  }

  /** The suffix for a permitted line: empty, or how many similar lines were left out before it. */
  static String suppressedNote(long suppressed) {
    return suppressed == 0 ? "" : " (" + suppressed + " similar lines suppressed)";
  }

  private static final class Slot {
    boolean logged;
    long lastNanos;
    long suppressed;
  }
}
