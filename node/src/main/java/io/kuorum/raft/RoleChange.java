package io.kuorum.raft;

/**
 * A decision the node took about its role, with the reason, so the runtime can log what happened and
 * why (elected, stepped down, ...). {@code leader} is {@link HardState#NONE} when no leader is known.
 */
public record RoleChange(Role role, long term, long leader, String reason) {}
