package io.kuorum.client;

import java.util.Objects;

/** A member of the cluster as a node reports it. */
public record ClusterMember(long id, String peerAddress, String clientAddress) {
  public ClusterMember {
    Objects.requireNonNull(peerAddress, "peerAddress");
    Objects.requireNonNull(clientAddress, "clientAddress");
  }
}
