package io.kuorum.storage;

/**
 * Whose data a store holds: written when the store is created and checked at every open, so a node
 * never starts on another cluster's or another member's data.
 */
public record StoreIdentity(String clusterId, long memberId) {
  public StoreIdentity {
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("cluster id must not be blank");
    if (memberId <= 0) throw new IllegalArgumentException("member id must be positive, got " + memberId);
  }
}
