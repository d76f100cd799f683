package io.kuorum.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Outcome of a leadership transfer.
 *
 * @param leaderId the member that leads once the transfer is done
 * @param message what the old leader says happened, for people
 * @param duration how long the transfer took
 */
public record TransferResult(long leaderId, String message, Duration duration) {
  public TransferResult {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(duration, "duration");
  }
}
