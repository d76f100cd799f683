package io.kuorum.cli;

import io.grpc.Status;
import io.kuorum.client.KuorumException;
import io.kuorum.client.KuorumUnavailableException;
import io.kuorum.client.OutcomeUnknownException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns failures into one line on stderr and the matching exit code. */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    command
        .getErr()
        .println(
            "kuorumctl: "
                + ex.getMessage()
                + " (see '"
                + command.getCommandSpec().qualifiedName()
                + " --help')");
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine command, ParseResult parseResult) {
    if (ex instanceof ParameterException usage) {
      return handleParseException(usage, parseResult.originalArgs().toArray(String[]::new));
    }
    command.getErr().println("kuorumctl: " + message(ex));
    return exitCode(ex);
  }

  private static String message(Exception ex) {
    if (ex instanceof KuorumException k && k.code() == Status.Code.INVALID_ARGUMENT) {
      return "invalid request: " + k.getMessage();
    }
    if (ex instanceof KuorumException k && k.code() == Status.Code.FAILED_PRECONDITION) {
      return "refused: " + k.getMessage();
    }
    if (ex instanceof KuorumException k && k.code() == Status.Code.RESOURCE_EXHAUSTED) {
      return "too large: " + k.getMessage() + "; send a smaller value, or a lower range --limit";
    }
    return ex.getMessage() == null ? ex.toString() : ex.getMessage();
  }

  static int exitCode(Exception ex) {
    if (ex instanceof OutcomeUnknownException) {
      return ExitCodes.OUTCOME_UNKNOWN;
    }
    if (ex instanceof KuorumUnavailableException) {
      return ExitCodes.UNAVAILABLE;
    }
    if (ex instanceof KuorumException k && k.code() == Status.Code.INVALID_ARGUMENT) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.FAILED;
  }
}
