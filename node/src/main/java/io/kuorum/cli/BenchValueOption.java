package io.kuorum.cli;

import io.kuorum.kv.KvLimits;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --val-size} of the {@code kuorumctl bench} workloads that put. */
final class BenchValueOption {

  @Option(names = "--val-size", defaultValue = "256", paramLabel = "B",
      description = "Value length in bytes, 0 to " + (1024 * 1024) + " (the nodes' default limit; default ${DEFAULT-VALUE}).")
  int valSize;

  /** Checks the size; returns a value of it. */
  byte[] value(CommandLine cmd) {
    int max = KvLimits.DEFAULT.maxValueBytes();
    if (valSize < 0 || valSize > max) {
      throw new ParameterException(cmd, "--val-size must be between 0 and " + max + ", not " + valSize);
    }
    byte[] value = new byte[valSize];
    Arrays.fill(value, (byte) 'v');
    return value;
  }
}
