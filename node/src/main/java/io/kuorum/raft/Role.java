package io.kuorum.raft;

/** The role a server plays (§5.1), plus the pre-candidate of the pre-vote extension (dissertation §9.6). */
public enum Role {
  FOLLOWER,
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
