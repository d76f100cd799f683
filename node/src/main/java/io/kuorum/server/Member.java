package io.kuorum.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster member: its id (positive, never reused), the address peers reach it at, and the address
 * clients reach it at. Written {@code ID=HOST:PEER_PORT} or {@code ID=HOST:PEER_PORT/CLIENT_PORT}
 * (the client port defaults to 7379 on the same host), e.g. {@code 1=127.0.0.1:7380/7379}.
 */
public record Member(long id, String peerAddress, String clientAddress) {

  public static final int DEFAULT_CLIENT_PORT = 7379;

  public static Member parse(String spec) {
    String s = spec.trim();
    int eq = s.indexOf('=');
    if (eq <= 0) throw new IllegalArgumentException("member '" + spec + "' must look like ID=HOST:PEER_PORT[/CLIENT_PORT]");
    long id;
    try {
      id = Long.parseLong(s.substring(0, eq));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("member '" + spec + "': id '" + s.substring(0, eq) + "' is not a number");
    }
    if (id <= 0) throw new IllegalArgumentException("member '" + spec + "': ids must be positive");
    String rest = s.substring(eq + 1);
    int slash = rest.indexOf('/');
    String peer = slash < 0 ? rest : rest.substring(0, slash);
    HostPort peerHp = HostPort.parse(peer, "member '" + spec + "' peer address");
    int clientPort = DEFAULT_CLIENT_PORT;
    if (slash >= 0) clientPort = HostPort.port(rest.substring(slash + 1), "member '" + spec + "' client port");
    return new Member(id, peerHp.toString(), new HostPort(peerHp.host(), clientPort).toString());
  }

  /** Parses a comma-separated member list; ids must be distinct. */
  public static List<Member> parseList(String specs) {
    List<Member> out = new ArrayList<>();
    Set<Long> ids = new LinkedHashSet<>();
    if (specs == null || specs.isBlank()) return out;
    for (String spec : specs.split(",")) {
      if (spec.isBlank()) continue;
      Member m = parse(spec);
      if (!ids.add(m.id())) throw new IllegalArgumentException("member id " + m.id() + " appears twice in '" + specs + "'");
      out.add(m);
    }
    return out;
  }

  @Override
  public String toString() {
    return id + "=" + peerAddress + "/" + HostPort.parse(clientAddress, "client address").port();
  }
}
