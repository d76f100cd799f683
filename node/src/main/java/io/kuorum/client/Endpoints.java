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
    String trimmed = endpoint.trim();
    int colon = trimmed.lastIndexOf(':');
    String host = colon > 0 ? trimmed.substring(0, colon) : "";
    if (host.isEmpty() || (host.contains(":") && !(host.startsWith("[") && host.endsWith("]")))) {
      throw bad(endpoint);
    }
    try {
      int port = Integer.parseInt(trimmed.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw bad(endpoint);
      }
    } catch (NumberFormatException e) {
      throw bad(endpoint);
    }
    return trimmed;
  }

  private static IllegalArgumentException bad(String endpoint) {
    return new IllegalArgumentException(
        "bad endpoint '" + endpoint + "': expected host:port, e.g. 127.0.0.1:7379");
  }
}
