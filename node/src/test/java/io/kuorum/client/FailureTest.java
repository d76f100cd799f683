package io.kuorum.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import java.net.ConnectException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The error contract of the server, as a table: what the client does after each failure. */
class FailureTest {
  private static final boolean SENT = true;
  private static final boolean NOT_SENT = false;

  static Stream<Arguments> contract() {
    return Stream.of(
        // status, trailers, sent?, kind, verdict
        // Writes carry the client's session, so the cluster applies each once: one that may have
        // arrived is sent again rather than left unknown, unless the error would only repeat.
        row(Status.FAILED_PRECONDITION, leader("1", "127.0.0.1:7379"), SENT, OpKind.SESSION_WRITE, Verdict.REDIRECT),
        row(Status.FAILED_PRECONDITION, leader("1", ""), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.FAILED_PRECONDITION, leader("1", "no-port"), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.FAILED_PRECONDITION, none(), SENT, OpKind.SESSION_WRITE, Verdict.OUTCOME_UNKNOWN),
        row(Status.UNAVAILABLE, notApplied(), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.UNAVAILABLE, none(), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.UNAVAILABLE, none(), NOT_SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.ABORTED, notApplied(), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_SAME),
        row(Status.ABORTED, none(), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_SAME),
        row(Status.DEADLINE_EXCEEDED, none(), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.DEADLINE_EXCEEDED, none(), NOT_SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.INTERNAL, none(), SENT, OpKind.SESSION_WRITE, Verdict.OUTCOME_UNKNOWN),
        row(Status.INTERNAL, none(), NOT_SENT, OpKind.SESSION_WRITE, Verdict.RETRY_NEXT),
        row(Status.INVALID_ARGUMENT, none(), SENT, OpKind.SESSION_WRITE, Verdict.REJECTED),
        row(Status.RESOURCE_EXHAUSTED, none(), SENT, OpKind.SESSION_WRITE, Verdict.REJECTED),
        row(Status.RESOURCE_EXHAUSTED, notApplied(), SENT, OpKind.SESSION_WRITE, Verdict.RETRY_SAME),
        row(Status.INVALID_ARGUMENT, notApplied(), SENT, OpKind.SESSION_WRITE, Verdict.REJECTED),
        row(Status.UNIMPLEMENTED, none(), SENT, OpKind.SESSION_WRITE, Verdict.REJECTED),
        // Reads and session opens change nothing worth guarding: transient errors are retried.
        row(Status.FAILED_PRECONDITION, leader("1", "127.0.0.1:7379"), SENT, OpKind.READ, Verdict.REDIRECT),
        row(Status.FAILED_PRECONDITION, none(), SENT, OpKind.READ, Verdict.REJECTED),
        row(Status.ABORTED, none(), SENT, OpKind.READ, Verdict.RETRY_SAME),
        row(Status.DEADLINE_EXCEEDED, none(), SENT, OpKind.READ, Verdict.RETRY_NEXT),
        row(Status.INVALID_ARGUMENT, none(), SENT, OpKind.READ, Verdict.REJECTED),
        row(Status.RESOURCE_EXHAUSTED, none(), SENT, OpKind.READ, Verdict.REJECTED),
        row(Status.RESOURCE_EXHAUSTED, notApplied(), SENT, OpKind.READ, Verdict.RETRY_SAME),
        row(Status.UNAVAILABLE, none(), SENT, OpKind.READ, Verdict.RETRY_NEXT),
        row(Status.INTERNAL, none(), SENT, OpKind.READ, Verdict.REJECTED),
        row(Status.FAILED_PRECONDITION, leader("1", "127.0.0.1:7379"), SENT, OpKind.OPEN_SESSION, Verdict.REDIRECT),
        row(Status.DEADLINE_EXCEEDED, none(), SENT, OpKind.OPEN_SESSION, Verdict.RETRY_NEXT),
        // Membership changes: routed like writes, but a refusal without a leader is final.
        row(Status.FAILED_PRECONDITION, leader("1", "127.0.0.1:7379"), SENT, OpKind.MEMBERSHIP, Verdict.REDIRECT),
        row(Status.FAILED_PRECONDITION, leader("1", ""), SENT, OpKind.MEMBERSHIP, Verdict.RETRY_NEXT),
        row(Status.FAILED_PRECONDITION, none(), SENT, OpKind.MEMBERSHIP, Verdict.REJECTED),
        row(Status.DEADLINE_EXCEEDED, none(), SENT, OpKind.MEMBERSHIP, Verdict.OUTCOME_UNKNOWN),
        row(Status.DEADLINE_EXCEEDED, none(), NOT_SENT, OpKind.MEMBERSHIP, Verdict.RETRY_NEXT),
        row(Status.UNAVAILABLE, none(), SENT, OpKind.MEMBERSHIP, Verdict.OUTCOME_UNKNOWN),
        row(Status.UNAVAILABLE, notApplied(), SENT, OpKind.MEMBERSHIP, Verdict.RETRY_NEXT),
        row(Status.ABORTED, notApplied(), SENT, OpKind.MEMBERSHIP, Verdict.RETRY_SAME),
        row(Status.INVALID_ARGUMENT, none(), SENT, OpKind.MEMBERSHIP, Verdict.REJECTED));
  }

  @ParameterizedTest(name = "{0} {1} sent={2} {3} -> {4}")
  @MethodSource("contract")
  void classifiesByTheErrorContract(
      Status status, Metadata trailers, boolean sent, OpKind kind, Verdict verdict) {
    assertThat(Failure.classify(status, trailers, sent, kind).verdict()).isEqualTo(verdict);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contract")
  void redirectsCarryTheLeadersAddress(
      Status status, Metadata trailers, boolean sent, OpKind kind, Verdict verdict) {
    Failure failure = Failure.classify(status, trailers, sent, kind);
    assertThat(failure.leaderAddress().isPresent()).isEqualTo(verdict == Verdict.REDIRECT);
    failure.leaderAddress().ifPresent(a -> assertThat(a).isEqualTo("127.0.0.1:7379"));
  }

  @Test
  void describesCodeDescriptionAndRootCause() {
    Status status = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new RuntimeException("wrapper", new ConnectException("Connection refused")));
    assertThat(Failure.describe(status)).isEqualTo("UNAVAILABLE: io exception (Connection refused)");
    assertThat(Failure.describe(Status.CANCELLED)).isEqualTo("CANCELLED");
  }

  private static Arguments row(Status s, Metadata t, boolean sent, OpKind k, Verdict v) {
    return Arguments.of(s, t, sent, k, v);
  }

  private static Metadata none() {
    return new Metadata();
  }

  private static Metadata notApplied() {
    var m = new Metadata();
    m.put(Trailers.NOT_APPLIED, "true");
    return m;
  }

  private static Metadata leader(String id, String address) {
    var m = new Metadata();
    m.put(Trailers.LEADER_ID, id);
    if (!address.isEmpty()) {
      m.put(Trailers.LEADER_ADDRESS, address);
    }
    return m;
  }

}
