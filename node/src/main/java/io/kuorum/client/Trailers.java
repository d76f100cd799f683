package io.kuorum.client;

import io.grpc.Metadata;
import java.util.Optional;

/** The trailers by which a Kuorum server says where the leader is and what was not applied. */
final class Trailers {
  static final Metadata.Key<String> LEADER_ID =
      Metadata.Key.of("kuorum-leader-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> LEADER_ADDRESS =
      Metadata.Key.of("kuorum-leader-address", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> NOT_APPLIED =
      Metadata.Key.of("kuorum-not-applied", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SESSION =
      Metadata.Key.of("kuorum-session", Metadata.ASCII_STRING_MARSHALLER);

  private Trailers() {}

  /** The leader's client address, when the server named one that looks like host:port. */
  static Optional<String> leaderAddress(Metadata trailers) {
    String value = trailers.get(LEADER_ADDRESS);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Endpoints.validate(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether the server named a leader at all (id or address): the request was then refused. */
  static boolean namesLeader(Metadata trailers) {
    return trailers.containsKey(LEADER_ID) || trailers.containsKey(LEADER_ADDRESS);
  }

  /** Whether the cluster refused a session write because it does not know the session (expired, evicted). */
  static boolean sessionUnknown(Metadata trailers) {
    return "unknown".equals(trailers.get(SESSION));
  }

  static boolean notApplied(Metadata trailers) {
    return "true".equalsIgnoreCase(trailers.get(NOT_APPLIED));
  }
}
