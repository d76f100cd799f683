package io.kuorum.transport;

import java.util.Optional;

/**
 * Checks the {@code host:port} strings nodes advertise as their peer address. They come from
 * configuration and, with {@code from_address}, from the wire, where they end up as channel targets
 * and in log lines: so the check is strict, and a rejected value is quoted only in a bounded,
 * printable form.
 */
final class PeerAddress {
  /** A DNS name has at most 253 characters; this leaves room for brackets, a zone and the port. */
  static final int MAX_LENGTH = 300;
  private static final int QUOTE_LIMIT = 64;

  private PeerAddress() {}

  /**
   * What is wrong with {@code address}, or empty when it is a usable peer address: {@code host:port}
   * with a port in 1..65535 and a host of letters, digits, '.', '-' and '_', or {@code [v6]:port}.
   */
  static Optional<String> problem(String address) {
    if (address.isEmpty()) return Optional.of("is empty");
    if (address.length() > MAX_LENGTH) {
      return Optional.of("is " + address.length() + " characters long, more than the " + MAX_LENGTH + " allowed");
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0) return Optional.of("must look like HOST:PORT");
    return hostProblem(address.substring(0, colon)).or(() -> portProblem(address.substring(colon + 1)));
  }

  /** The value for a log line or an error message: quoted, cut short, with unprintable characters escaped. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), QUOTE_LIMIT) + 16).append('\'');
    for (int i = 0; i < value.length() && i < QUOTE_LIMIT; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') out.append(c);
      else out.append(String.format("\\u%04x", (int) c));
    }
    out.append('\'');
    if (value.length() > QUOTE_LIMIT) out.append("... (").append(value.length()).append(" characters)");
    return out.toString();
  }

  private static Optional<String> hostProblem(String host) {
    if (host.startsWith("[")) {
      String inner = host.endsWith("]") ? host.substring(1, host.length() - 1) : "";
      if (inner.indexOf(':') < 0 || !inner.chars().allMatch(c -> isHostChar(c) || c == ':' || c == '%')) {
        return Optional.of("has a bracketed host that is not an IPv6 address");
      }
      return Optional.empty();
    }
    if (!host.chars().allMatch(c -> isHostChar(c) || c == ':')) {
      return Optional.of("has a host with characters other than letters, digits, '.', '-' and '_'");
    }
    if (host.indexOf(':') >= 0) {
      // Without brackets, "::1:7380" could be port 7380 of ::1 or an address without a port.
      return Optional.of("has an IPv6 host without brackets: write it [HOST]:PORT");
    }
    return Optional.empty();
  }

  private static Optional<String> portProblem(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of("must end in a port number");
    }
    int value = Integer.parseInt(port);
    if (value < 1 || value > 65535) return Optional.of("has port " + value + ", outside 1..65535");
    return Optional.empty();
  }

  private static boolean isHostChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  }
}
