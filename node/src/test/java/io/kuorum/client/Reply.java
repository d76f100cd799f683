package io.kuorum.client;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.CountDownLatch;

/** How a fake node answers one call, following the server's error contract. */
public sealed interface Reply {
  /** Serve the call from the shared store. */
  record Serve() implements Reply {}

  /** Fail with this status and trailers. */
  record Fail(Status status, Metadata trailers) implements Reply {}

  /** Never answer (the client's deadline ends the call). */
  record Hang() implements Reply {}

  /** Apply the call to the store, then fail with this status: the answer is lost on its way back. */
  record ServeThenFail(Status status) implements Reply {}

  /**
   * Count down {@code arrived}, wait for {@code proceed} (10 s at most), then serve: lets a test act
   * while the call is in flight, or hold calls at two nodes until both arrived.
   */
  record ServeWhen(CountDownLatch arrived, CountDownLatch proceed) implements Reply {}

  static Reply serveWhen(CountDownLatch arrived, CountDownLatch proceed) {
    return new ServeWhen(arrived, proceed);
  }

  static Reply serveThenFail(Status status) {
    return new ServeThenFail(status);
  }

  static Reply serve() {
    return new Serve();
  }

  static Reply hang() {
    return new Hang();
  }

  static Reply fail(Status status) {
    return new Fail(status, new Metadata());
  }

  /** FAILED_PRECONDITION naming the leader, as a follower answers. */
  static Reply notLeader(long leaderId, String leaderAddress) {
    var trailers = new Metadata();
    trailers.put(Trailers.LEADER_ID, Long.toString(leaderId));
    trailers.put(Trailers.LEADER_ADDRESS, leaderAddress);
    return new Fail(
        Status.FAILED_PRECONDITION.withDescription(
            "this node is not the leader; the leader is node " + leaderId + " at " + leaderAddress),
        trailers);
  }

  /** UNAVAILABLE, not applied: no leader known (election in progress). */
  static Reply noLeader() {
    return new Fail(Status.UNAVAILABLE.withDescription("no leader known: election in progress"),
        notApplied());
  }

  /** ABORTED, not applied: the proposal was overwritten in a leader change. */
  static Reply aborted() {
    return new Fail(Status.ABORTED.withDescription("not applied; safe to retry"), notApplied());
  }

  /** RESOURCE_EXHAUSTED, not applied: the leader shed load. */
  static Reply overloaded() {
    return new Fail(Status.RESOURCE_EXHAUSTED.withDescription("too many pending requests"),
        notApplied());
  }

  /** UNAVAILABLE without the not-applied trailer: shutting down, outcome unknown. */
  static Reply shuttingDownOutcomeUnknown() {
    return fail(Status.UNAVAILABLE.withDescription("shutting down"));
  }

  /** FAILED_PRECONDITION, not applied: the cluster no longer knows the write's session. */
  static Reply sessionUnknown() {
    var trailers = notApplied();
    trailers.put(Trailers.SESSION, "unknown");
    return new Fail(Status.FAILED_PRECONDITION.withDescription("session is unknown: it expired"), trailers);
  }

  static Reply invalidArgument(String message) {
    return fail(Status.INVALID_ARGUMENT.withDescription(message));
  }

  private static Metadata notApplied() {
    var trailers = new Metadata();
    trailers.put(Trailers.NOT_APPLIED, "true");
    return trailers;
  }
}
