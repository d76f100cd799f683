package io.kuorum.server;

/** A host and port, validated, as written in flags ({@code host:port}, {@code [v6]:port}). */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be blank");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is outside 0..65535");
  }

  public static HostPort parse(String s, String what) {
    if (s == null) throw new IllegalArgumentException(what + " is missing");
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) throw new IllegalArgumentException(what + " '" + s + "' must look like HOST:PORT");
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return new HostPort(host, port(s.substring(colon + 1), what));
  }

  static int port(String s, String what) {
    try {
      int p = Integer.parseInt(s.trim());
      if (p < 0 || p > 65535) throw new IllegalArgumentException(what + " " + p + " is outside 0..65535");
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + s + "' is not a port number");
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
