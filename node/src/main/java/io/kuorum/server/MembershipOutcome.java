package io.kuorum.server;

import java.time.Duration;

/**
 * How a membership change ended: {@code changed} is false when the cluster already was as asked;
 * {@code index} is the log index of the entry that completed it (0 when unchanged).
 */
public record MembershipOutcome(boolean changed, String message, long index, Duration duration) {}
