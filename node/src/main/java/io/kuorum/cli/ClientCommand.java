package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A subcommand that talks to the cluster: opens a client, runs, closes it. */
abstract class ClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    try (KuorumClient client = root().openClient()) {
      return run(client);
    }
  }

  // The root rather than the parent: some commands sit one level deeper ("members list").
  private Kuorumctl root() {
    return (Kuorumctl) spec.root().userObject();
  }

  /** Does the work; returns the exit code. Failures are thrown and mapped by ErrorHandler. */
  abstract int run(KuorumClient client);

  /** Another client, for {@code endpoints} in that order, with the same options; the caller closes it. */
  KuorumClient openClient(List<String> endpoints) {
    return root().openClient(endpoints);
  }

  /** --timeout, if given. */
  Optional<Duration> timeout() {
    return root().timeout();
  }

  OutputFormat format() {
    return root().output();
  }

  /**
   * Runs a client call whose argument checks, which the client makes before it sends anything,
   * are reported as usage errors.
   */
  <T> T withArgumentsChecked(Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A "negative" answer: one line on stderr, exit code 1. */
  int notFound(String message) {
    err().println("kuorumctl: " + message);
    return ExitCodes.NOT_FOUND;
  }
}
