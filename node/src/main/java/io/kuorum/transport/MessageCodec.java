package io.kuorum.transport;

import com.google.protobuf.UnsafeByteOperations;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import io.kuorum.raft.Message.RequestVote;
import io.kuorum.raft.Message.TimeoutNow;
import io.kuorum.raft.Message.VoteResponse;
import io.kuorum.transport.proto.RaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts between the core's {@link Message} records and the wire's {@link RaftMessage}.
 *
 * <p>Decoding validates everything the core's records and invariants rely on, so a malformed or
 * hostile message is rejected here with an {@link IllegalArgumentException} naming the sender and
 * the field, and never reaches the core. The cluster id and the recipient are the receiving
 * service's business, not the codec's. The sender's address is decoded apart, by
 * {@link #decodeFromAddress}: it only matters when it changes, and checking it on every message
 * would cost the hot path for nothing.
 */
public final class MessageCodec {

  private MessageCodec() {}

  /** Encodes a message from a sender that does not advertise its address (tools, tests): {@code from_address} stays empty. */
  public static RaftMessage encode(Message m, String clusterId) {
    return encode(m, clusterId, "");
  }

  /**
   * Encodes {@code m} for the wire; every message but an InstallSnapshot (which throws
   * {@link IllegalArgumentException}) has a wire form.
   *
   * @param clusterId the cluster the sender belongs to
   * @param fromAddress the sender's advertised peer address ("host:port"), or empty when it has none;
   *     pass the same instance every time: it is referenced, not copied or rebuilt
   */
  public static RaftMessage encode(Message m, String clusterId, String fromAddress) {
    if (m instanceof Message.InstallSnapshot) {
      // Its data is a reference to a file on this node, meaningless elsewhere and too large for one message.
      throw new IllegalArgumentException("InstallSnapshot has no RaftMessage form: its snapshot is streamed in chunks by "
          + "SnapshotSender (GrpcPeerTransport.send routes it there): " + m);
    }
    RaftMessage.Builder b = RaftMessage.newBuilder()
        .setFrom(m.from())
        .setTo(m.to())
        .setTerm(m.term())
        .setClusterId(clusterId)
        .setFromAddress(fromAddress);
    if (m instanceof RequestVote rv) {
      b.setRequestVote(io.kuorum.transport.proto.RequestVote.newBuilder()
          .setLastLogIndex(rv.lastLogIndex())
          .setLastLogTerm(rv.lastLogTerm())
          .setPreVote(rv.preVote())
          .setTransfer(rv.transfer()));
    } else if (m instanceof VoteResponse vr) {
      b.setVoteResponse(io.kuorum.transport.proto.VoteResponse.newBuilder()
          .setGranted(vr.granted())
          .setPreVote(vr.preVote()));
    } else if (m instanceof AppendEntries ae) {
      var body = io.kuorum.transport.proto.AppendEntries.newBuilder()
          .setPrevLogIndex(ae.prevLogIndex())
          .setPrevLogTerm(ae.prevLogTerm())
          .setLeaderCommit(ae.leaderCommit());
      for (Entry e : ae.entries()) body.addEntries(encodeEntry(e));
      b.setAppendEntries(body);
    } else if (m instanceof AppendResponse ar) {
      b.setAppendResponse(io.kuorum.transport.proto.AppendResponse.newBuilder()
          .setSuccess(ar.success())
          .setIndex(ar.index())
          .setHintIndex(ar.hintIndex())
          .setHintTerm(ar.hintTerm()));
    } else if (m instanceof Heartbeat hb) {
      b.setHeartbeat(io.kuorum.transport.proto.Heartbeat.newBuilder().setCommit(hb.commit()).setRound(hb.round())
          .setSentAt(hb.sentAt()));
    } else if (m instanceof HeartbeatResponse hr) {
      b.setHeartbeatResponse(io.kuorum.transport.proto.HeartbeatResponse.newBuilder().setRound(hr.round())
          .setSentAt(hr.sentAt()));
    } else if (m instanceof ReadIndexRequest rr) {
      b.setReadIndexRequest(io.kuorum.transport.proto.ReadIndexRequest.newBuilder().setReadId(rr.readId()));
    } else if (m instanceof ReadIndexResponse rr) {
      b.setReadIndexResponse(io.kuorum.transport.proto.ReadIndexResponse.newBuilder().setReadId(rr.readId())
          .setIndex(rr.index()));
    } else if (m instanceof TimeoutNow) {
      b.setTimeoutNow(io.kuorum.transport.proto.TimeoutNow.getDefaultInstance());
    } else {
      throw new IllegalStateException("no wire form for " + m.getClass().getName());
    }
    return b.build();
  }

  private static io.kuorum.transport.proto.Entry encodeEntry(Entry e) {
    return io.kuorum.transport.proto.Entry.newBuilder()
        .setIndex(e.index())
        .setTerm(e.term())
        .setType(switch (e.type()) {
          case NOOP -> io.kuorum.transport.proto.Entry.Type.NOOP;
          case COMMAND -> io.kuorum.transport.proto.Entry.Type.COMMAND;
          case CONFIG -> io.kuorum.transport.proto.Entry.Type.CONFIG;
        })
        // No copy: the core never mutates entry data once it exists (see Entry).
        .setData(UnsafeByteOperations.unsafeWrap(e.data()))
        .build();
  }

  /** Decodes and validates an inbound message; throws {@link IllegalArgumentException} saying what is wrong. */
  public static Message decode(RaftMessage p) {
    long from = p.getFrom();
    Check check = new Check(from);
    check.positive("from", from);
    check.positive("to", p.getTo());
    check.notNegative("term", p.getTerm());
    long to = p.getTo();
    long term = p.getTerm();
    return switch (p.getBodyCase()) {
      case REQUEST_VOTE -> {
        var rv = p.getRequestVote();
        check.notNegative("request_vote.last_log_index", rv.getLastLogIndex());
        check.notNegative("request_vote.last_log_term", rv.getLastLogTerm());
        yield new RequestVote(from, to, term, rv.getLastLogIndex(), rv.getLastLogTerm(), rv.getPreVote(),
            rv.getTransfer());
      }
      case VOTE_RESPONSE -> {
        var vr = p.getVoteResponse();
        yield new VoteResponse(from, to, term, vr.getGranted(), vr.getPreVote());
      }
      case APPEND_ENTRIES -> decodeAppend(p, check);
      case APPEND_RESPONSE -> {
        var ar = p.getAppendResponse();
        check.notNegative("append_response.index", ar.getIndex());
        check.notNegative("append_response.hint_index", ar.getHintIndex());
        check.notNegative("append_response.hint_term", ar.getHintTerm());
        yield new AppendResponse(from, to, term, ar.getSuccess(), ar.getIndex(), ar.getHintIndex(), ar.getHintTerm());
      }
      case HEARTBEAT -> {
        var hb = p.getHeartbeat();
        check.notNegative("heartbeat.commit", hb.getCommit());
        check.notNegative("heartbeat.round", hb.getRound());
        check.notNegative("heartbeat.sent_at", hb.getSentAt());
        yield new Heartbeat(from, to, term, hb.getCommit(), hb.getRound(), hb.getSentAt());
      }
      case HEARTBEAT_RESPONSE -> {
        var hr = p.getHeartbeatResponse();
        check.notNegative("heartbeat_response.round", hr.getRound());
        check.notNegative("heartbeat_response.sent_at", hr.getSentAt());
        yield new HeartbeatResponse(from, to, term, hr.getRound(), hr.getSentAt());
      }
      case READ_INDEX_REQUEST -> {
        // Any read id is the follower's business, but it comes back as a long: no value of 2^63 or more.
        check.notNegative("read_index_request.read_id", p.getReadIndexRequest().getReadId());
        yield new ReadIndexRequest(from, to, term, p.getReadIndexRequest().getReadId());
      }
      case READ_INDEX_RESPONSE -> {
        var rr = p.getReadIndexResponse();
        check.notNegative("read_index_response.read_id", rr.getReadId());
        check.notNegative("read_index_response.index", rr.getIndex());
        yield new ReadIndexResponse(from, to, term, rr.getReadId(), rr.getIndex());
      }
      case TIMEOUT_NOW -> new TimeoutNow(from, to, term);
      case BODY_NOT_SET -> throw check.fail("has no body (or one this version does not know)");
    };
  }

  /**
   * The sender's advertised peer address, or empty when it sent none; throws
   * {@link IllegalArgumentException}, like {@link #decode}, when it is not a usable {@code host:port}.
   */
  public static Optional<String> decodeFromAddress(RaftMessage p) {
    String address = p.getFromAddress();
    if (address.isEmpty()) return Optional.empty();
    Optional<String> problem = PeerAddress.problem(address);
    if (problem.isPresent()) {
      throw new Check(p.getFrom()).fail("from_address " + PeerAddress.quote(address) + " " + problem.get());
    }
    return Optional.of(address);
  }

  private static AppendEntries decodeAppend(RaftMessage p, Check check) {
    var ae = p.getAppendEntries();
    long prevIndex = ae.getPrevLogIndex();
    long prevTerm = ae.getPrevLogTerm();
    check.notNegative("append_entries.prev_log_index", prevIndex);
    check.notNegative("append_entries.prev_log_term", prevTerm);
    check.notNegative("append_entries.leader_commit", ae.getLeaderCommit());
    if (prevTerm > p.getTerm()) {
      throw check.fail("append_entries.prev_log_term " + prevTerm + " is above the message term " + p.getTerm());
    }
    List<Entry> entries = new ArrayList<>(ae.getEntriesCount());
    long lastTerm = prevTerm;
    for (int i = 0; i < ae.getEntriesCount(); i++) {
      var e = ae.getEntries(i);
      String name = "append_entries.entries[" + i + "]";
      if (e.getIndex() <= 0) throw check.fail(name + ".index is " + Long.toUnsignedString(e.getIndex()) + ", must be >= 1 and < 2^63");
      if (e.getTerm() <= 0) throw check.fail(name + ".term is " + Long.toUnsignedString(e.getTerm()) + ", must be >= 1 and < 2^63");
      if (e.getIndex() != prevIndex + 1 + i) {
        throw check.fail(name + ".index is " + e.getIndex() + ", expected " + (prevIndex + 1 + i)
            + " (entries must follow prev_log_index " + prevIndex + " without gaps)");
      }
      if (e.getTerm() < lastTerm) throw check.fail(name + ".term " + e.getTerm() + " is below the term " + lastTerm + " before it");
      if (e.getTerm() > p.getTerm()) throw check.fail(name + ".term " + e.getTerm() + " is above the message term " + p.getTerm());
      lastTerm = e.getTerm();
      Entry.Type type = switch (e.getType()) {
        case NOOP -> Entry.Type.NOOP;
        case COMMAND -> Entry.Type.COMMAND;
        case CONFIG -> Entry.Type.CONFIG;
        case TYPE_UNSPECIFIED, UNRECOGNIZED -> throw check.fail(name + ".type is " + describe(e) + ", must be NOOP, COMMAND or CONFIG");
      };
      // The one copy on the inbound path: the core owns plain arrays.
      byte[] data = e.getData().toByteArray();
      if (type == Entry.Type.CONFIG) {
        try {
          ConfigurationEntry.decode(data); // refused here, before any of the message reaches the log
        } catch (IllegalArgumentException bad) {
          throw check.fail(name + ".data is not a valid configuration: " + bad.getMessage());
        }
      }
      entries.add(new Entry(e.getIndex(), e.getTerm(), type, data));
    }
    return new AppendEntries(p.getFrom(), p.getTo(), p.getTerm(), prevIndex, prevTerm, entries, ae.getLeaderCommit());
  }

  private static String describe(io.kuorum.transport.proto.Entry e) {
    return e.getType() == io.kuorum.transport.proto.Entry.Type.UNRECOGNIZED
        ? "unknown value " + e.getTypeValue()
        : e.getType().name();
  }

  /** Builds the rejection messages, all prefixed with the claimed sender. */
  private record Check(long from) {
    void positive(String field, long value) {
      if (value <= 0) throw fail(field + " is " + Long.toUnsignedString(value) + ", must be >= 1 and < 2^63");
    }

    void notNegative(String field, long value) {
      // uint64 on the wire: values of 2^63 and above arrive as negative longs.
      if (value < 0) throw fail(field + " is " + Long.toUnsignedString(value) + ", must be < 2^63");
    }

    IllegalArgumentException fail(String what) {
      return new IllegalArgumentException("malformed RaftMessage from node " + Long.toUnsignedString(from) + ": " + what);
    }
  }
}
