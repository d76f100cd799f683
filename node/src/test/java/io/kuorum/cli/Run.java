package io.kuorum.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** One kuorumctl invocation through picocli with captured output. */
record Run(int exitCode, String out, String err) {

  static Run kuorumctl(Map<String, String> environment, String... args) {
    CommandLine cli = Kuorumctl.commandLine(environment);
    var out = new StringWriter();
    var err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Prepends {@code --endpoints} to the arguments. */
  static Run against(String endpoints, String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoints", endpoints));
    all.addAll(List.of(args));
    return kuorumctl(Map.of(), all.toArray(String[]::new));
  }

  List<String> errLines() {
    return err.lines().toList();
  }
}
