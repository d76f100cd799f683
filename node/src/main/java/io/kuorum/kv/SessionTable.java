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
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Client sessions for exactly-once writes (Raft dissertation §6.3): per session, the answers to writes
 * the client may still retry. A retried write gets its first answer and changes nothing; a write of a
 * session the table no longer holds is refused, never applied a second time.
 *
 * <p>Everything here is decided by the log alone, so every member keeps the same table: sessions are
 * numbered by the index that opened them, and expire by log time (the proposing leader's clock as
 * stamped into each command, never this node's clock). The table is bounded ({@link SessionLimits}):
 * by sessions (opening one more evicts the least recently active), by how far past its lowest
 * unanswered write a session may number a write, and by the bytes of answers held. Answers are kept as
 * the immutable messages a snapshot stores, so copying the table for a snapshot copies references.
 * Single-threaded, like the state machine that owns it.
 */
final class SessionTable {

  /** One open session; mutable, owned by the table. */
  private static final class Entry {
    final long id;
    final int ttlSeconds;
    long lastActiveMillis;
    long lowestUnanswered;
    long answerBytes;
    final TreeMap<Long, SessionAnswer> answers = new TreeMap<>();

    Entry(long id, int ttlSeconds, long lastActiveMillis) {
      this.id = id;
      this.ttlSeconds = ttlSeconds;
      this.lastActiveMillis = lastActiveMillis;
    }

    long expiresAtMillis() {
      return lastActiveMillis + ttlSeconds * 1000L;
    }
  }

  private static final Comparator<Entry> BY_EXPIRY =
      Comparator.comparingLong(Entry::expiresAtMillis).thenComparingLong(e -> e.id);

  /** In order of last activity, least recent first: touching a session moves it to the end. */
  private final LinkedHashMap<Long, Entry> sessions = new LinkedHashMap<>();
  /** The same sessions by when they expire: TTLs differ, so the least recently active is not always the first. */
  private final TreeSet<Entry> byExpiry = new TreeSet<>(BY_EXPIRY);
  private long answerBytes;
  /** Retries answered with their first answer, since this table was created: a statistic, not state. */
  private long retriesAnswered;

  /** Opens a session numbered {@code index}; returns its TTL. Makes room by expiry, then by eviction. */
  int open(long index, int requestedTtlSeconds, long logTimeMillis) {
    int ttl = requestedTtlSeconds == 0 ? SessionLimits.DEFAULT_TTL_SECONDS
        : Math.min(requestedTtlSeconds, SessionLimits.MAX_TTL_SECONDS);
    expire(logTimeMillis);
    if (sessions.size() >= SessionLimits.MAX_SESSIONS) remove(sessions.values().iterator().next());
    add(new Entry(index, ttl, logTimeMillis));
    return ttl;
  }

  /**
   * Applies a session write once: {@code change} runs only for a sequence the session has not seen.
   * Returns the change's answer, the first answer again for a retry, or a {@link SessionRefusal}.
   */
  Message applyOnce(Session request, WriteKind kind, long logTimeMillis, Supplier<Message> change) {
    expire(logTimeMillis);
    Entry s = sessions.get(request.getId());
    if (s == null) {
      return refusal(SessionRefusal.Reason.UNKNOWN_SESSION, "session " + request.getId() + " is unknown: it expired"
          + " (no write within its TTL of log time) or was evicted to make room for newer sessions; the write was not"
          + " applied; open a new session");
    }
    SessionAnswer first = s.answers.get(request.getSequence());
    if (first != null) return retried(s, request, kind, first);
    if (request.getSequence() < s.lowestUnanswered) {
      return refusal(SessionRefusal.Reason.ANSWER_FORGOTTEN, "write " + request.getSequence() + " of session "
          + s.id + " was answered and acknowledged (lowest_unanswered " + s.lowestUnanswered + "); a client must not"
          + " retry a write it has the answer to");
    }
    acknowledge(s, request.getLowestUnanswered());
    if (request.getSequence() >= s.lowestUnanswered + SessionLimits.WINDOW) {
      return refusal(SessionRefusal.Reason.TOO_MANY_UNANSWERED, "write " + request.getSequence() + " of session " + s.id
          + " is " + SessionLimits.WINDOW + " or more past its lowest unanswered write " + s.lowestUnanswered
          + "; the write was not applied; send it once earlier writes are answered");
    }
    if (s.answerBytes >= SessionLimits.MAX_SESSION_ANSWER_BYTES || answerBytes >= SessionLimits.MAX_TABLE_ANSWER_BYTES) {
      return refusal(SessionRefusal.Reason.TOO_MANY_UNANSWERED, "session " + s.id + " holds " + s.answerBytes
          + " bytes of unacknowledged answers (all sessions: " + answerBytes + "); the write was not applied; retry once"
          + " earlier writes are answered");
    }
    Message answer = change.get();
    SessionAnswer stored = stored(request.getSequence(), answer);
    s.answers.put(request.getSequence(), stored);
    s.answerBytes += stored.getSerializedSize();
    answerBytes += stored.getSerializedSize();
    touch(s, logTimeMillis);
    return answer;
  }

  /** A retry: its first answer, if it really is the same kind of write; numbers are never reused. */
  private Message retried(Entry s, Session request, WriteKind kind, SessionAnswer first) {
    if (WriteKind.of(first) != kind) {
      return refusal(SessionRefusal.Reason.SEQUENCE_REUSED, "write " + request.getSequence() + " of session " + s.id
          + " was a " + WriteKind.of(first).label() + ", this request is a " + kind.label() + "; a client must not"
          + " give two writes one number; it was not applied");
    }
    retriesAnswered++;
    return answer(first);
  }

  /** The client has the answers below {@code lowestUnanswered}: forget them. */
  private void acknowledge(Entry s, long lowestUnanswered) {
    if (lowestUnanswered <= s.lowestUnanswered) return;
    s.lowestUnanswered = lowestUnanswered;
    for (Iterator<SessionAnswer> it = s.answers.headMap(lowestUnanswered).values().iterator(); it.hasNext(); ) {
      long size = it.next().getSerializedSize();
      s.answerBytes -= size;
      answerBytes -= size;
      it.remove();
    }
  }

  int size() {
    return sessions.size();
  }

  long retriesAnswered() {
    return retriesAnswered;
  }

  private void touch(Entry s, long logTimeMillis) {
    byExpiry.remove(s);
    sessions.remove(s.id);
    s.lastActiveMillis = logTimeMillis;
    add(s);
  }

  private void add(Entry s) {
    sessions.put(s.id, s);
    byExpiry.add(s);
  }

  private void remove(Entry s) {
    sessions.remove(s.id);
    byExpiry.remove(s);
    answerBytes -= s.answerBytes;
  }

  /** Drops the sessions whose TTL of log time passed without a write: amortized O(log n) per command. */
  private void expire(long logTimeMillis) {
    while (!byExpiry.isEmpty() && byExpiry.first().expiresAtMillis() < logTimeMillis) remove(byExpiry.first());
  }

  private static SessionRefusal refusal(SessionRefusal.Reason reason, String message) {
    return SessionRefusal.newBuilder().setReason(reason).setMessage(message).build();
  }

  // ------------------------------------------------------------------ snapshots

  /** The sessions in order of last activity, as a snapshot stores them. */
  SessionState[] copy() {
    SessionState[] out = new SessionState[sessions.size()];
    int i = 0;
    for (Entry s : sessions.values()) {
      out[i++] = SessionState.newBuilder().setId(s.id).setTtlSeconds(s.ttlSeconds).setLastActiveMillis(s.lastActiveMillis)
          .setLowestUnanswered(s.lowestUnanswered).addAllAnswers(s.answers.values()).build();
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
    if (count < 0 || count > SessionLimits.MAX_SESSIONS) {
      throw new IllegalArgumentException("key-value snapshot has a bad session count " + count + " (at most "
          + SessionLimits.MAX_SESSIONS + ")");
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
    if (state.getTtlSeconds() < 1 || state.getTtlSeconds() > SessionLimits.MAX_TTL_SECONDS) {
      throw new IllegalArgumentException(which + " has a bad TTL of " + state.getTtlSeconds() + " s");
    }
    Entry s = new Entry(state.getId(), state.getTtlSeconds(), state.getLastActiveMillis());
    s.lowestUnanswered = state.getLowestUnanswered();
    for (SessionAnswer a : state.getAnswersList()) {
      if (a.getSequence() < s.lowestUnanswered || a.getSequence() >= s.lowestUnanswered + SessionLimits.WINDOW
          || s.answers.containsKey(a.getSequence()) || a.getAnswerCase() == SessionAnswer.AnswerCase.ANSWER_NOT_SET) {
        throw new IllegalArgumentException(which + " has a bad answer for write " + a.getSequence());
      }
      s.answers.put(a.getSequence(), a);
      s.answerBytes += a.getSerializedSize();
    }
    answerBytes += s.answerBytes;
    add(s);
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
    for (Entry s : sessions.values()) {
      h = 31 * h + Long.hashCode(s.id);
      h = 31 * h + Long.hashCode(s.lastActiveMillis);
      h = 31 * h + Long.hashCode(s.lowestUnanswered);
      h = 31 * h + s.answers.hashCode();
    }
    return h;
  }

  /** The kinds of session write; a retry must be of the kind its number was first used for. */
  enum WriteKind {
    PUT("put"),
    DELETE("delete"),
    COMPARE_AND_SET("compare-and-set");

    private final String label;

    WriteKind(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }

    static WriteKind of(SessionAnswer a) {
      return switch (a.getAnswerCase()) {
        case PUT -> PUT;
        case DELETE -> DELETE;
        case COMPARE_AND_SET -> COMPARE_AND_SET;
        case ANSWER_NOT_SET -> throw new IllegalArgumentException("a session answer without a response");
      };
    }
  }
}
