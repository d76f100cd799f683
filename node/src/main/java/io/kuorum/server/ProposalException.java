package io.kuorum.server;

import java.util.Optional;
import java.util.OptionalLong;

/** Why a client request did not get an answer from the state machine, and whether it may have applied. */
public final class ProposalException extends RuntimeException {

  public enum Kind {
    /** Another node leads; the request was not applied. */
    NOT_LEADER(true),
    /** No leader is known yet; not applied. */
    NO_LEADER(true),
    /** This node is not a member of any cluster yet; not applied. */
    NOT_IN_CLUSTER(true),
    /** The entry was overwritten in a leader change; not applied. */
    LOST(true),
    /** Too many requests are waiting; not applied. */
    OVERLOADED(true),
    /** The node is stopping and had not proposed the request; not applied. */
    SHUTTING_DOWN(true),
    /** The leader refused a membership change or transfer; {@code message} says why and what to do. */
    REFUSED(true),
    /** A leadership transfer did not complete within an election timeout; leadership stayed. */
    ABANDONED(true),
    /** The node stopped or the deadline passed while the entry was in the log: it may still apply. */
    OUTCOME_UNKNOWN(false);

    private final boolean notApplied;

    Kind(boolean notApplied) {
      this.notApplied = notApplied;
    }

    public boolean notApplied() {
      return notApplied;
    }
  }

  private final Kind kind;
  private final OptionalLong leaderId;
  private final Optional<String> leaderAddress;

  public ProposalException(Kind kind, String message, OptionalLong leaderId, Optional<String> leaderAddress) {
    super(message, null, false, false);
    this.kind = kind;
    this.leaderId = leaderId;
    this.leaderAddress = leaderAddress;
  }

  public ProposalException(Kind kind, String message) {
    this(kind, message, OptionalLong.empty(), Optional.empty());
  }

  public Kind kind() {
    return kind;
  }

  public OptionalLong leaderId() {
    return leaderId;
  }

  public Optional<String> leaderAddress() {
    return leaderAddress;
  }
}
