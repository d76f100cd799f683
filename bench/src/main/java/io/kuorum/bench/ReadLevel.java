package io.kuorum.bench;

/** The read levels both systems offer under these names. */
public enum ReadLevel {
  /** Sees every write acknowledged before the read started (etcd's default; Kuorum's ReadIndex). */
  LINEARIZABLE,
  /** Served from the state of the member asked, which may lag (etcd {@code --consistency=s}). */
  SERIALIZABLE
}
