package io.kuorum.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.transport.proto.RaftMessage;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {

  static Stream<Message> everyKind() {
    return Samples.allKinds(1, 2).stream();
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void roundTripsThroughTheWire(Message m) throws InvalidProtocolBufferException {
    RaftMessage wire = MessageCodec.encode(m, "prod-eu");
    RaftMessage parsed = RaftMessage.parseFrom(wire.toByteArray());

    assertThat(parsed.getClusterId()).isEqualTo("prod-eu");
    assertThat(MessageCodec.decode(parsed)).isEqualTo(m);
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void carriesTheSendersAddress(Message m) throws InvalidProtocolBufferException {
    RaftMessage parsed = RaftMessage.parseFrom(MessageCodec.encode(m, "prod-eu", "kuorum-1.kuorum-peers.db.svc:7380").toByteArray());

    assertThat(parsed.getFromAddress()).isEqualTo("kuorum-1.kuorum-peers.db.svc:7380");
    assertThat(MessageCodec.decodeFromAddress(parsed)).contains("kuorum-1.kuorum-peers.db.svc:7380");
    assertThat(MessageCodec.decode(parsed)).isEqualTo(m);
  }

  @Test
  void refusesToEncodeAnInstallSnapshotWhoseDataIsAFileReference() {
    var install = new Message.InstallSnapshot(1, 2, 5, SnapshotTransferTest.snapshot(40, 4, "snapshot-40.snap"));

    assertThatThrownBy(() -> MessageCodec.encode(install, "prod-eu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("InstallSnapshot has no RaftMessage form", "streamed in chunks by SnapshotSender");
  }

  @Test
  void aSenderWithoutAnAddressSendsNone() {
    RaftMessage wire = MessageCodec.encode(Samples.heartbeat(1, 2, 3), "c");

    assertThat(wire.getFromAddress()).isEmpty();
    assertThat(MessageCodec.decodeFromAddress(wire)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("validAddresses")
  void acceptsPeerAddresses(String address) {
    assertThat(MessageCodec.decodeFromAddress(MessageCodec.encode(Samples.heartbeat(1, 2, 3), "c", address))).contains(address);
  }

  static Stream<String> validAddresses() {
    return Stream.of("127.0.0.1:7380", "localhost:1", "kuorum-0.kuorum-peers.ns.svc:65535", "[::1]:7380",
        "[fe80::1%eth0]:7380", "under_score:7380");
  }

  static Stream<Arguments> malformedAddresses() {
    return Stream.of(
        Arguments.of("no port", "node-1", "'node-1' must look like HOST:PORT"),
        Arguments.of("no host", ":7380", "':7380' must look like HOST:PORT"),
        Arguments.of("empty port", "node-1:", "'node-1:' must end in a port number"),
        Arguments.of("port not a number", "node-1:http", "'node-1:http' must end in a port number"),
        Arguments.of("port 0", "node-1:0", "'node-1:0' has port 0, outside 1..65535"),
        Arguments.of("port too large", "node-1:65536", "has port 65536, outside 1..65535"),
        Arguments.of("ipv6 without brackets", "::1:7380", "has an IPv6 host without brackets: write it [HOST]:PORT"),
        Arguments.of("brackets without ipv6", "[node-1]:7380", "has a bracketed host that is not an IPv6 address"),
        Arguments.of("unclosed bracket", "[::1:7380", "has a bracketed host that is not an IPv6 address"),
        Arguments.of("a URL", "http://node-1:7380", "has a host with characters other than letters, digits"),
        Arguments.of("control characters", "evil\nlog:1", "'evil\\u000alog:1' has a host with characters"),
        Arguments.of("too long", "a".repeat(400) + ":1", "'" + "a".repeat(64) + "'... (402 characters) is 402 characters long, more than the 300 allowed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedAddresses")
  void rejectsAMalformedSenderAddressSayingWhy(String what, String address, String expected) {
    RaftMessage wire = MessageCodec.encode(Samples.heartbeat(4, 2, 3), "c", address);

    assertThatThrownBy(() -> MessageCodec.decodeFromAddress(wire))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed RaftMessage from node 4: from_address ")
        .hasMessageContaining(expected);
  }

  @Test
  void carriesEntryPayloadsAndTypes() {
    var m = new AppendEntries(1, 2, 3, 0, 0, List.of(
        Entry.noop(1, 1), Entry.command(2, 3, Samples.bytes("x=1")), Entry.command(3, 3, new byte[0])), 2);

    var decoded = (AppendEntries) MessageCodec.decode(MessageCodec.encode(m, "c"));

    assertThat(decoded.entries()).extracting(Entry::type)
        .containsExactly(Entry.Type.NOOP, Entry.Type.COMMAND, Entry.Type.COMMAND);
    assertThat(decoded.entries().get(1).data()).isEqualTo(Samples.bytes("x=1"));
    assertThat(decoded.entries().get(2).data()).isEmpty();
    assertThat(decoded.leaderCommit()).isEqualTo(2);
  }

  @Test
  void encodingWrapsPayloadsWithoutCopying() {
    byte[] data = Samples.bytes("abc");
    var wire = MessageCodec.encode(new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.command(1, 1, data)), 0), "c");

    data[0] = 'z'; // never done by the core; here it proves the wire message shares the array

    assertThat(wire.getAppendEntries().getEntries(0).getData().toStringUtf8()).isEqualTo("zbc");
  }

  @Test
  void decodingCopiesPayloadsOutOfTheWireMessage() {
    var wire = MessageCodec.encode(new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.command(1, 1, Samples.bytes("abc"))), 0), "c");

    var decoded = (AppendEntries) MessageCodec.decode(wire);
    decoded.entries().get(0).data()[0] = 'z';

    assertThat(wire.getAppendEntries().getEntries(0).getData().toStringUtf8()).isEqualTo("abc");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad("no body", b -> b.clearBody(), "from node 1: has no body"),
        bad("body of a newer version", b -> b.clearBody().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(30, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.EMPTY).build()).build()),
            "has no body (or one this version does not know)"),
        bad("from 0", b -> b.setFrom(0), "from node 0: from is 0, must be >= 1"),
        bad("to 0", b -> b.setTo(0), "to is 0, must be >= 1"),
        bad("term >= 2^63", b -> b.setTerm(-1), "term is 18446744073709551615, must be < 2^63"),
        bad("entry index 0", b -> entry(b, 0, e -> e.setIndex(0)), "entries[0].index is 0, must be >= 1"),
        bad("entry term 0", b -> entry(b, 0, e -> e.setTerm(0)), "entries[0].term is 0, must be >= 1"),
        bad("entry type unspecified", b -> entry(b, 1, e -> e.setType(io.kuorum.transport.proto.Entry.Type.TYPE_UNSPECIFIED)),
            "entries[1].type is TYPE_UNSPECIFIED, must be NOOP, COMMAND or CONFIG"),
        bad("configuration that does not decode", b -> entry(b, 1, e -> e.setType(io.kuorum.transport.proto.Entry.Type.CONFIG)
            .setData(ByteString.copyFromUtf8("not a configuration"))), "entries[1].data is not a valid configuration"),
        bad("entry type unknown", b -> entry(b, 1, e -> e.setTypeValue(9)), "entries[1].type is unknown value 9"),
        bad("gap between entries", b -> entry(b, 1, e -> e.setIndex(13)), "entries[1].index is 13, expected 12"),
        bad("first entry not after prev", b -> b.setAppendEntries(b.getAppendEntries().toBuilder().setPrevLogIndex(9)),
            "entries[0].index is 11, expected 10"),
        bad("entry term above message term", b -> entry(b, 1, e -> e.setTerm(9)), "entries[1].term 9 is above the message term 5"),
        bad("entry terms decreasing", b -> entry(b, 0, e -> e.setTerm(5)), "entries[1].term 4 is below the term 5 before it"),
        bad("prev term above message term", b -> b.setAppendEntries(b.getAppendEntries().toBuilder().setPrevLogTerm(6)),
            "prev_log_term 6 is above the message term 5"),
        bad("leader commit >= 2^63", b -> b.setAppendEntries(b.getAppendEntries().toBuilder().setLeaderCommit(Long.MIN_VALUE)),
            "leader_commit is 9223372036854775808, must be < 2^63"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedMessagesSayingWhy(String what, RaftMessage wire, String expected) {
    assertThatThrownBy(() -> MessageCodec.decode(wire))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed RaftMessage from node ")
        .hasMessageContaining(expected);
  }

  @Test
  void rejectsOutOfRangeFieldsOfOtherKinds() {
    var vote = MessageCodec.encode(new Message.RequestVote(1, 2, 3, 4, 5, false, false), "c").toBuilder();
    vote.setRequestVote(vote.getRequestVote().toBuilder().setLastLogIndex(-5));
    var heartbeat = MessageCodec.encode(new Message.Heartbeat(1, 2, 3, 4, 0), "c").toBuilder();
    heartbeat.setHeartbeat(heartbeat.getHeartbeat().toBuilder().setCommit(-1));
    var response = MessageCodec.encode(new Message.AppendResponse(1, 2, 3, false, 4, 5, 6), "c").toBuilder();
    response.setAppendResponse(response.getAppendResponse().toBuilder().setHintTerm(-2));

    assertThatThrownBy(() -> MessageCodec.decode(vote.build())).hasMessageContaining("request_vote.last_log_index is");
    assertThatThrownBy(() -> MessageCodec.decode(heartbeat.build())).hasMessageContaining("heartbeat.commit is");
    assertThatThrownBy(() -> MessageCodec.decode(response.build())).hasMessageContaining("append_response.hint_term is");
  }

  @Test
  void rejectsOutOfRangeReadAndLeaseFields() {
    var heartbeat = MessageCodec.encode(new Message.Heartbeat(1, 2, 3, 4, 5, 6), "c").toBuilder();
    heartbeat.setHeartbeat(heartbeat.getHeartbeat().toBuilder().setSentAt(-1));
    var echo = MessageCodec.encode(new Message.HeartbeatResponse(1, 2, 3, 5, 6), "c").toBuilder();
    echo.setHeartbeatResponse(echo.getHeartbeatResponse().toBuilder().setSentAt(-3));
    var request = MessageCodec.encode(new Message.ReadIndexRequest(1, 2, 3, 7), "c").toBuilder();
    request.setReadIndexRequest(request.getReadIndexRequest().toBuilder().setReadId(-7));
    var confirmed = MessageCodec.encode(new Message.ReadIndexResponse(1, 2, 3, 7, 40), "c").toBuilder();
    confirmed.setReadIndexResponse(confirmed.getReadIndexResponse().toBuilder().setIndex(Long.MIN_VALUE));
    var answeredId = MessageCodec.encode(new Message.ReadIndexResponse(1, 2, 3, 7, 40), "c").toBuilder();
    answeredId.setReadIndexResponse(answeredId.getReadIndexResponse().toBuilder().setReadId(-2));

    assertThatThrownBy(() -> MessageCodec.decode(heartbeat.build()))
        .hasMessage("malformed RaftMessage from node 1: heartbeat.sent_at is 18446744073709551615, must be < 2^63");
    assertThatThrownBy(() -> MessageCodec.decode(echo.build())).hasMessageContaining("heartbeat_response.sent_at is");
    assertThatThrownBy(() -> MessageCodec.decode(request.build())).hasMessageContaining("read_index_request.read_id is");
    assertThatThrownBy(() -> MessageCodec.decode(confirmed.build()))
        .hasMessageContaining("read_index_response.index is 9223372036854775808, must be < 2^63");
    assertThatThrownBy(() -> MessageCodec.decode(answeredId.build())).hasMessageContaining("read_index_response.read_id is");
  }

  @Test
  void aHeartbeatFromAnOlderSenderTimesNoLease() {
    var wire = MessageCodec.encode(new Message.Heartbeat(1, 2, 3, 4, 5, 6), "c").toBuilder();
    wire.setHeartbeat(wire.getHeartbeat().toBuilder().clearSentAt());

    assertThat(MessageCodec.decode(wire.build())).isEqualTo(new Message.Heartbeat(1, 2, 3, 4, 5, 0));
  }

  /** A valid AppendEntries (prev 10@4, entries 11@4 and 12@4, term 5) broken by {@code change}. */
  private static Arguments bad(String what, UnaryOperator<RaftMessage.Builder> change, String expected) {
    var valid = new AppendEntries(1, 2, 5, 10, 4, List.of(Entry.command(11, 4, Samples.bytes("a")),
        Entry.command(12, 4, Samples.bytes("b"))), 10);
    RaftMessage.Builder b = MessageCodec.encode(valid, "c").toBuilder();
    return Arguments.of(what, change.apply(b).build(), expected);
  }

  private static RaftMessage.Builder entry(RaftMessage.Builder b, int i,
      UnaryOperator<io.kuorum.transport.proto.Entry.Builder> change) {
    var ae = b.getAppendEntries().toBuilder();
    ae.setEntries(i, change.apply(ae.getEntries(i).toBuilder()));
    return b.setAppendEntries(ae);
  }
}
