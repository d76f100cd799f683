package io.kuorum.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Checks and normalizes {@code host:port} endpoint lists. */
final class Endpoints {
  private Endpoints() {}

  /** The endpoints, validated, duplicates removed, order kept. */
  static List<String> validate(List<String> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException(
          "no endpoints given: pass at least one host:port, e.g. 127.0.0.1:7379");
    }
    var unique = new LinkedHashSet<String>();
    for (String endpoint : endpoints) {
      unique.add(validate(endpoint));
    }
    return List.copyOf(new ArrayList<>(unique));
  }

  /** One endpoint, trimmed; {@code [v6]:port} is accepted for IPv6 literals. */
  static String validate(String endpoint) {
    return validate(endpoint, "endpoint", "127.0.0.1:7379");
  }

  /**
   * One {@code host:port} address, trimmed; a bad one is named as {@code what} with {@code example}
   * of a good one in the message.
   */
  static String validate(String address, String what, String example) {
    String trimmed = address.trim();
    if (!isHostPort(trimmed)) {
      throw new IllegalArgumentException(
          "bad " + what + " '" + address + "': expected host:port, e.g. " + example);
    }
    return trimmed;
  }

  private static boolean isHostPort(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.isEmpty() || (host.contains(":") && !(host.startsWith("[") && host.endsWith("]")))) {
      return false;
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
