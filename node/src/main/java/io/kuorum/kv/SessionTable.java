package io.kuorum.kv;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.Session;
import io.kuorum.kv.proto.SessionAnswer;
import io.kuorum.kv.proto.SessionRefusal;
import io.kuorum.kv.proto.SessionState;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Client sessions for exactly-once writes (Raft dissertation §6.3): per session, the answers to writes
 * the client may still retry. A retried write gets its first answer and changes nothing; a write of a
 * session the table no longer holds is refused, never applied a second time.
 *
 * <p>Everything here is decided by the log alone, so every member keeps the same table: sessions are
 * numbered by the index that opened them, and expire by log time (the proposing leader's clock as
 * stamped into each command, never this node's clock). The table is bounded: at most
 * {@link #MAX_SESSIONS} sessions (opening one more evicts the least recently active) and at most
 * {@link #MAX_UNANSWERED} answers per session (the client acknowledges answers with
 * {@code lowest_unanswered}). Single-threaded, like the state machine that owns it.
 */
final class SessionTable {

  static final int MAX_SESSIONS = 10_000;
  static final int MAX_UNANSWERED = 1_024;
  static final int DEFAULT_TTL_SECONDS = 120;
  static final int MAX_TTL_SECONDS = 86_400;

  /** One open session; mutable, owned by the table. */
  private static final class ClientSession {
    final long id;
    final int ttlSeconds;
    long lastActiveMillis;
    long lowestUnanswered;
    final TreeMap<Long, Message> answers = new TreeMap<>();

    ClientSession(long id, int ttlSeconds, long lastActiveMillis) {
      this.id = id;
      this.ttlSeconds = ttlSeconds;
      this.lastActiveMillis = lastActiveMillis;
    }

    boolean expiredAt(long logTimeMillis) {
      return logTimeMillis - lastActiveMillis > ttlSeconds * 1000L;
    }
  }

  /** In order of last activity, least recent first: touching a session moves it to the end. */
  private final LinkedHashMap<Long, ClientSession> sessions = new LinkedHashMap<>();
  /** Retries answered with their first answer, since this table was created: a statistic, not state. */
  private long retriesAnswered;

  /** Opens a session numbered {@code index}; returns its TTL. Makes room by expiry, then by eviction. */
  int open(long index, int requestedTtlSeconds, long logTimeMillis) {
    int ttl = requestedTtlSeconds == 0 ? DEFAULT_TTL_SECONDS : Math.min(requestedTtlSeconds, MAX_TTL_SECONDS);
    expire(logTimeMillis);
    if (sessions.size() >= MAX_SESSIONS) {
      Iterator<ClientSession> leastRecent = sessions.values().iterator();
      leastRecent.next();
      leastRecent.remove();
    }
    sessions.put(index, new ClientSession(index, ttl, logTimeMillis));
    return ttl;
  }

  /**
   * Applies a session write once: {@code change} runs only for a sequence the session has not seen.
   * Returns the change's answer, the first answer again for a retry, or a {@link SessionRefusal}.
   */
  Message applyOnce(Session request, long logTimeMillis, Supplier<Message> change) {
    expire(logTimeMillis);
    ClientSession s = sessions.get(request.getId());
    if (s == null || s.expiredAt(logTimeMillis)) {
      sessions.remove(request.getId());
      return refusal(SessionRefusal.Reason.UNKNOWN_SESSION, "session " + request.getId() + " is unknown: it expired"
          + " (no write within its TTL of log time) or was evicted to make room for newer sessions; the write was not"
          + " applied; open a new session");
    }
    Message first = s.answers.get(request.getSequence());
    if (first != null) {
      retriesAnswered++;
      return first;
    }
    if (request.getSequence() < s.lowestUnanswered) {
      return refusal(SessionRefusal.Reason.ANSWER_FORGOTTEN, "write " + request.getSequence() + " of session "
          + s.id + " was answered and acknowledged (lowest_unanswered " + s.lowestUnanswered + "); a client must not"
          + " retry a write it has the answer to");
    }
    s.lowestUnanswered = Math.max(s.lowestUnanswered, request.getLowestUnanswered());
    s.answers.headMap(s.lowestUnanswered).clear();
    if (s.answers.size() >= MAX_UNANSWERED) {
      return refusal(SessionRefusal.Reason.TOO_MANY_UNANSWERED, "session " + s.id + " holds " + s.answers.size()
          + " unacknowledged answers, the most it may; the write was not applied; retry once earlier writes are"
          + " answered");
    }
    Message answer = change.get();
    s.answers.put(request.getSequence(), answer);
    touch(s, logTimeMillis);
    return answer;
  }

  int size() {
    return sessions.size();
  }

  long retriesAnswered() {
    return retriesAnswered;
  }

  private void touch(ClientSession s, long logTimeMillis) {
    s.lastActiveMillis = logTimeMillis;
    sessions.remove(s.id);
    sessions.put(s.id, s);
  }

  /** Drops expired sessions from the least recently active end: amortized O(1) per command. */
  private void expire(long logTimeMillis) {
    Iterator<ClientSession> it = sessions.values().iterator();
    while (it.hasNext() && it.next().expiredAt(logTimeMillis)) it.remove();
  }

  private static SessionRefusal refusal(SessionRefusal.Reason reason, String message) {
    return SessionRefusal.newBuilder().setReason(reason).setMessage(message).build();
  }

  // ------------------------------------------------------------------ snapshots

  /** The sessions in order of last activity, as a snapshot stores them. */
  SessionState[] copy() {
    SessionState[] out = new SessionState[sessions.size()];
    int i = 0;
    for (ClientSession s : sessions.values()) {
      SessionState.Builder b = SessionState.newBuilder().setId(s.id).setTtlSeconds(s.ttlSeconds)
          .setLastActiveMillis(s.lastActiveMillis).setLowestUnanswered(s.lowestUnanswered);
      s.answers.forEach((seq, answer) -> b.addAnswers(stored(seq, answer)));
      out[i++] = b.build();
    }
    return out;
  }

  static void write(SessionState[] states, CodedOutputStream out) throws IOException {
    out.writeFixed64NoTag(states.length);
    for (SessionState s : states) {
      out.writeUInt32NoTag(s.getSerializedSize());
      s.writeTo(out);
    }
  }

  /**
   * Reads what {@link #write} wrote; every session's id must be at most {@code appliedIndex}.
   *
   * @throws IllegalArgumentException if the table is truncated, malformed or breaks the table's bounds
   */
  static SessionTable read(CodedInputStream in, long appliedIndex) throws IOException {
    SessionTable table = new SessionTable();
    long count;
    try {
      count = in.readFixed64();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("key-value snapshot is truncated before its session table", e);
    }
    if (count < 0 || count > MAX_SESSIONS) {
      throw new IllegalArgumentException("key-value snapshot has a bad session count " + count + " (at most " + MAX_SESSIONS + ")");
    }
    for (long i = 0; i < count; i++) {
      SessionState.Builder b = SessionState.newBuilder();
      try {
        in.resetSizeCounter();
        in.readMessage(b, ExtensionRegistryLite.getEmptyRegistry());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("key-value snapshot session " + (i + 1) + " of " + count + " is truncated or"
            + " malformed (" + e.getMessage() + ")", e);
      }
      table.restore(b.build(), appliedIndex);
    }
    return table;
  }

  private void restore(SessionState state, long appliedIndex) {
    String which = "key-value snapshot session " + state.getId();
    if (state.getId() < 1 || state.getId() > appliedIndex || sessions.containsKey(state.getId())) {
      throw new IllegalArgumentException(which + " has an id outside 1.." + appliedIndex + " or repeats one");
    }
    if (state.getTtlSeconds() < 1 || state.getTtlSeconds() > MAX_TTL_SECONDS) {
      throw new IllegalArgumentException(which + " has a bad TTL of " + state.getTtlSeconds() + " s");
    }
    if (state.getAnswersCount() > MAX_UNANSWERED) {
      throw new IllegalArgumentException(which + " holds " + state.getAnswersCount() + " answers, over " + MAX_UNANSWERED);
    }
    ClientSession s = new ClientSession(state.getId(), state.getTtlSeconds(), state.getLastActiveMillis());
    s.lowestUnanswered = state.getLowestUnanswered();
    for (SessionAnswer a : state.getAnswersList()) {
      if (a.getSequence() < s.lowestUnanswered || s.answers.containsKey(a.getSequence())
          || a.getAnswerCase() == SessionAnswer.AnswerCase.ANSWER_NOT_SET) {
        throw new IllegalArgumentException(which + " has a bad answer for write " + a.getSequence());
      }
      s.answers.put(a.getSequence(), answer(a));
    }
    sessions.put(s.id, s);
  }

  private static SessionAnswer stored(long sequence, Message answer) {
    SessionAnswer.Builder b = SessionAnswer.newBuilder().setSequence(sequence);
    if (answer instanceof PutResponse p) b.setPut(p);
    else if (answer instanceof DeleteResponse d) b.setDelete(d);
    else if (answer instanceof CompareAndSetResponse c) b.setCompareAndSet(c);
    else throw new IllegalStateException("a session write answered with " + answer.getClass().getSimpleName());
    return b.build();
  }

  private static Message answer(SessionAnswer a) {
    return switch (a.getAnswerCase()) {
      case PUT -> a.getPut();
      case DELETE -> a.getDelete();
      case COMPARE_AND_SET -> a.getCompareAndSet();
      case ANSWER_NOT_SET -> throw new IllegalArgumentException("a session answer without a response");
    };
  }

  /** A hash of the whole table, equal on members that hold the same sessions (for the simulator's checks). */
  int stateHash() {
    int h = 1;
    for (ClientSession s : sessions.values()) {
      h = 31 * h + Long.hashCode(s.id);
      h = 31 * h + Long.hashCode(s.lastActiveMillis);
      h = 31 * h + Long.hashCode(s.lowestUnanswered);
      h = 31 * h + s.answers.hashCode();
    }
    return h;
  }
}
