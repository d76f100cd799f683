package io.kuorum.cli;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Member ids as people type them on the command line. */
final class MemberIds {
  private MemberIds() {}

  /** A positive id. */
  static long parse(CommandLine command, String text) {
    try {
      long id = Long.parseLong(text.trim());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // Reported below, with the same message as a non-positive number.
    }
    throw new ParameterException(
        command, "'" + text + "' is not a member id: expected a positive integer, e.g. 4");
  }

  /** Ids separated by commas, spaces or both ("1,2,4", "1 2 4", "1, 2, 4"); each once. */
  static SortedSet<Long> parseAll(CommandLine command, List<String> args) {
    var ids = new TreeSet<Long>();
    for (String arg : args) {
      for (String token : arg.split("[,\\s]+")) {
        if (token.isEmpty()) {
          continue;
        }
        // A repeated id is more likely a typo for another one than a deliberate repetition.
        if (!ids.add(parse(command, token))) {
          throw new ParameterException(command, "member id " + token + " is given twice");
        }
      }
    }
    if (ids.isEmpty()) {
      throw new ParameterException(command, "give at least one member id");
    }
    return ids;
  }
}
