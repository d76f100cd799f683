package io.kuorum.cli;

import io.kuorum.client.MembershipResult;

/** A command that changes the membership and reports the outcome in one line or as JSON. */
abstract class MembershipCommand extends ClientCommand {

  /**
   * Prints the outcome: {@code changed} with the index and time when the leader made a change,
   * else why it did not (its own words, or {@code alreadySo} when it gave none).
   */
  int report(MembershipResult result, String changed, String alreadySo) {
    if (format() == OutputFormat.JSON) {
      out().println(Json.membershipResult(new JsonWriter(), result));
    } else if (result.changed()) {
      out().println(
          changed + " at index " + result.index() + " in " + result.duration().toMillis() + " ms");
    } else {
      out().println("no change: " + (result.message().isBlank() ? alreadySo : result.message()));
    }
    out().flush();
    return ExitCodes.OK;
  }
}
