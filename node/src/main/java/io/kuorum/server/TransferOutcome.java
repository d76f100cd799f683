package io.kuorum.server;

import java.time.Duration;

/** A completed leadership transfer: who leads now and how long the hand-over took. */
public record TransferOutcome(long leaderId, String message, Duration duration) {}
