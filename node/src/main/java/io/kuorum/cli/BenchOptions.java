package io.kuorum.cli;

import io.kuorum.kv.KvLimits;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every {@code kuorumctl bench} workload shares: how many callers and connections, how
 * long (a number of operations or a duration), which keys and which members.
 */
final class BenchOptions {

  static final long DEFAULT_TOTAL = 10_000;

  @Option(names = "--clients", defaultValue = "16", description = "Concurrent callers (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--conns", paramLabel = "N",
      description = "gRPC connections (clients) the callers share round-robin, 1 to CLIENTS (default: one per target "
          + "endpoint: 1 with --target leader, one per endpoint with --target all). With --target all connection j "
          + "starts at endpoint j modulo the endpoints.")
  Integer conns;

  @Option(names = "--total", paramLabel = "N",
      description = "Operations in all (default " + DEFAULT_TOTAL + "); not with --duration.")
  Long total;

  @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
      description = "Run until D has elapsed (e.g. 30s, 2m) instead of for TOTAL operations; not with --total. "
          + "Operations in flight at D finish and are counted.")
  Duration duration;

  @Option(names = "--key-space", defaultValue = "0",
      description = "Distinct keys; operation i uses key i modulo the key space. 0 (default) = one key per operation: "
          + "TOTAL keys, or with --duration as many as --key-size digits can number.")
  long keySpace;

  @Option(names = "--key-size", defaultValue = "8", description = "Key length in bytes, 1 to "
      + "4096 (default ${DEFAULT-VALUE}); key n is n in decimal, zero-padded.")
  int keySize;

  @Option(names = "--target", defaultValue = "leader", paramLabel = "leader|all",
      description = "leader (default): every connection to the leader, found first from the members' statuses. all: "
          + "the connections spread round-robin over every endpoint. Reads are served where they are sent (followers "
          + "serve reads too); puts sent to a follower are redirected to the leader, so with all they still reach the "
          + "leader, as etcd's benchmark does with --endpoints of all members.")
  BenchTarget target;

  /** How long a validated run lasts, and over how many keys. */
  record Plan(LoadRun.Stop stop, long keySpace) {}

  /** Checks the options (usage errors for the command line {@code cmd}); returns the plan they make. */
  Plan validate(CommandLine cmd) {
    if (clients < 1) throw new ParameterException(cmd, "--clients must be at least 1, not " + clients);
    if (conns != null && (conns < 1 || conns > clients)) {
      throw new ParameterException(cmd, "--conns must be between 1 and --clients (" + clients + "), not " + conns);
    }
    if (total != null && duration != null) {
      throw new ParameterException(cmd, "--total and --duration are mutually exclusive: give one or the other");
    }
    if (keySize < 1 || keySize > KvLimits.DEFAULT.maxKeyBytes()) {
      throw new ParameterException(cmd,
          "--key-size must be between 1 and " + KvLimits.DEFAULT.maxKeyBytes() + ", not " + keySize);
    }
    if (keySpace < 0) throw new ParameterException(cmd, "--key-space must be at least 1 (or 0 for the default), not " + keySpace);
    LoadRun.Stop stop;
    long space;
    if (duration != null) {
      stop = LoadRun.Stop.within(duration);
      space = keySpace != 0 ? keySpace : BenchKeys.numberable(keySize);
    } else {
      long n = total == null ? DEFAULT_TOTAL : total;
      if (n < 1 || n > Integer.MAX_VALUE) throw new ParameterException(cmd, "--total must be in [1, 2^31), not " + n);
      stop = LoadRun.Stop.after(n);
      space = keySpace != 0 ? keySpace : n;
    }
    BenchKeys.check(cmd, space, keySize);
    return new Plan(stop, space);
  }
}
