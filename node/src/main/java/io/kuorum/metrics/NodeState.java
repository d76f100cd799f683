package io.kuorum.metrics;

import io.kuorum.raft.MemberProgress;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a node publishes about itself and the gauges read at scrape time. The server's status snapshot
 * implements it, so this package needs nothing from the server.
 */
public interface NodeState {
  long term();

  /** {@code leader}, {@code follower}, ..., {@code waiting} before the node is added, {@code removed} after. */
  String roleName();

  /** The leader this node knows of, if any (itself when it leads). */
  OptionalLong leaderId();

  long commitIndex();

  long appliedIndex();

  long lastIndex();

  /** As leader: every other member's replication progress; empty otherwise. */
  Map<Long, MemberProgress> progress();

  int sessions();

  long sessionRetries();
}
