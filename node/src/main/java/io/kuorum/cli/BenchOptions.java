package io.kuorum.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every {@code kuorumctl bench} workload shares: how many callers, operations and keys. */
final class BenchOptions {

  @Option(names = "--clients", defaultValue = "16", description = "Concurrent callers (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--total", defaultValue = "10000", description = "Operations in all (default ${DEFAULT-VALUE}).")
  long total;

  @Option(names = "--key-space", defaultValue = "0", description = "Distinct keys; 0 = TOTAL (every operation its own key).")
  long keySpace;

  @Option(names = "--key-size", defaultValue = "8", description = "Key length in bytes (default ${DEFAULT-VALUE}).")
  int keySize;

  /** Checks the options; returns the key space. */
  long validate(CommandLine cmd) {
    long space = keySpace == 0 ? total : keySpace;
    if (clients < 1) throw new ParameterException(cmd, "--clients must be at least 1, not " + clients);
    if (total < 1 || total > Integer.MAX_VALUE) throw new ParameterException(cmd, "--total must be in [1, 2^31), not " + total);
    if (space < 1) throw new ParameterException(cmd, "--key-space must be at least 1, not " + keySpace);
    BenchKeys.check(cmd, space, keySize);
    return space;
  }
}
