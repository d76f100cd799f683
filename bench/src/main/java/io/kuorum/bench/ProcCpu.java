package io.kuorum.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * CPU time a process has used so far (user + system, all its threads), from {@code /proc/PID/stat}.
 * Its utime and stime are in clock ticks of {@code USER_HZ}, which Linux fixes at 100 per second for
 * what it shows user space.
 */
final class ProcCpu {

  static final double TICKS_PER_SECOND = 100;

  private ProcCpu() {}

  /** The CPU seconds of process {@code pid}; empty when it is gone or cannot be read. */
  static OptionalDouble seconds(long pid) {
    try {
      return OptionalDouble.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (IOException | IllegalArgumentException e) {
      return OptionalDouble.empty();
    }
  }

  /** The CPU seconds of this JVM. */
  static OptionalDouble self() {
    return seconds(ProcessHandle.current().pid());
  }

  /**
   * utime + stime (fields 14 and 15) of a {@code stat} line, in seconds. The command name (field 2) is
   * in parentheses and may hold spaces and parentheses itself, so fields are counted after the last ')'.
   */
  static double parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    // f[0] is field 3 (state): field n is f[n - 3]
    if (f.length < 13) throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }
}
