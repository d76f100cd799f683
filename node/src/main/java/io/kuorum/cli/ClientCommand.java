package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that talks to the cluster: opens a client, runs, closes it. */
abstract class ClientCommand implements Callable<Integer> {
  @ParentCommand private Kuorumctl root;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    try (KuorumClient client = root.openClient()) {
      return run(client);
    }
  }

  /** Does the work; returns the exit code. Failures are thrown and mapped by ErrorHandler. */
  abstract int run(KuorumClient client);

  OutputFormat format() {
    return root.output();
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
