package io.kuorum.snapshot;

import java.util.Locale;

/** Sizes for people: {@code 812 B}, {@code 1.2 MiB}, {@code 3.0 GiB}. */
public final class ByteSize {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ByteSize() {}

  public static String format(long bytes) {
    if (bytes < 1024) return bytes + " B";
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
