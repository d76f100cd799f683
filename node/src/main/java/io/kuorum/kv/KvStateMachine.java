package io.kuorum.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KeyValue;
import io.kuorum.kv.proto.OpenSessionResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import io.kuorum.kv.proto.Session;
import io.kuorum.kv.proto.SessionState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The replicated state machine: an ordered map from byte keys to values. Every node applies the same
 * committed commands in the same order and so computes the same answers; the node that proposed a
 * command hands its answer to the waiting client. Each value remembers the log index (revision)
 * that wrote it. Single-threaded: only the runtime's apply path calls it, {@link #copyForSnapshot()}
 * and {@link #restore} included; only a {@link StateCopy} may be handed to another thread.
 *
 * <p>Writes that carry a {@link Session} are applied exactly once ({@link SessionTable}, dissertation
 * §6.3); the session table is part of the state, and of every snapshot: a member that installed a
 * snapshot without it would apply a retried write a second time.
 *
 * <p>Snapshot payload format (version 2), numbers in protobuf's encodings: magic "KVSM" and the format
 * version (fixed32 each, little-endian), the applied index and the number of entries (fixed64 each),
 * then every {@link KeyValue} as a length-delimited protobuf message, in key order; then the log time
 * (fixed64), the number of sessions (fixed64) and every {@link SessionState} as a length-delimited
 * message, least recently active first; and nothing after. Whole messages are stored so that a field
 * added later is carried without a new format version. Version 1 (before sessions: no log time, no
 * sessions) is still read.
 */
public final class KvStateMachine {

  private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();
  private static final int SNAPSHOT_MAGIC = 'K' | 'V' << 8 | 'S' << 16 | 'M' << 24; // reads "KVSM" in the file
  static final int SNAPSHOT_VERSION = 2;
  private static final int SNAPSHOT_VERSION_WITHOUT_SESSIONS = 1;
  private static final int BUFFER = 1 << 16;

  private NavigableMap<ByteString, KeyValue> data = new TreeMap<>(KEY_ORDER);
  private SessionTable sessions = new SessionTable();
  private long retriesBeforeRestore;
  private final KvLimits limits;
  private final boolean sessionsLeftOutOfSnapshots;
  private long appliedIndex;
  /** The latest time a leader stamped into an applied command: sessions expire by it, never by this node's clock. */
  private long logTimeMillis;
  private ChangeListener changes = ChangeListener.NONE;

  public KvStateMachine(KvLimits limits) {
    this(limits, false);
  }

  private KvStateMachine(KvLimits limits, boolean sessionsLeftOutOfSnapshots) {
    this.limits = limits;
    this.sessionsLeftOutOfSnapshots = sessionsLeftOutOfSnapshots;
  }

  /**
   * For tests of the tests only: a state machine whose snapshots leave the session table out, so a
   * member that installs one applies a retried write twice. The simulation must catch it.
   */
  public static KvStateMachine leavingSessionsOutOfSnapshots(KvLimits limits) {
    return new KvStateMachine(limits, true);
  }

  /**
   * Reports every change from now on to {@code listener} (watches). Set it before the apply thread
   * starts: the field is not guarded.
   */
  public void listen(ChangeListener listener) {
    this.changes = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Applies the command committed at {@code index} and returns the answer for its client. A command
   * that cannot be decoded means the log is corrupt: the node must stop, not guess.
   */
  public Message apply(long index, byte[] encodedCommand) {
    if (index <= appliedIndex) throw new IllegalStateException("index " + index + " applied twice (applied " + appliedIndex + ")");
    Command command;
    try {
      command = Command.parseFrom(encodedCommand);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("committed entry " + index + " is not a valid command: the log is corrupt", e);
    }
    appliedIndex = index;
    // Log time only moves forward, even when a new leader's clock is behind its predecessor's.
    logTimeMillis = Math.max(logTimeMillis, command.getProposedAtMillis());
    Message answer = switch (command.getOpCase()) {
      case PUT -> once(command.getPut().hasSession(), command.getPut().getSession(), SessionTable.WriteKind.PUT,
          () -> put(index, command.getPut()));
      case GET -> get(index, command.getGet());
      case DELETE -> once(command.getDelete().hasSession(), command.getDelete().getSession(), SessionTable.WriteKind.DELETE,
          () -> delete(index, command.getDelete()));
      case COMPARE_AND_SET -> once(command.getCompareAndSet().hasSession(), command.getCompareAndSet().getSession(),
          SessionTable.WriteKind.COMPARE_AND_SET, () -> compareAndSet(index, command.getCompareAndSet()));
      case RANGE -> range(index, command.getRange());
      case OPEN_SESSION -> OpenSessionResponse.newBuilder().setSessionId(index)
          .setTtlSeconds(sessions.open(index, command.getOpenSession().getTtlSeconds(), logTimeMillis)).build();
      case OP_NOT_SET -> throw new IllegalStateException("committed entry " + index + " holds an empty command");
    };
    changes.applied(index);
    return answer;
  }

  /** A write without a session is applied as it comes; one with a session at most once (§6.3). */
  private Message once(boolean hasSession, Session session, SessionTable.WriteKind kind, Supplier<Message> change) {
    return hasSession ? sessions.applyOnce(session, kind, logTimeMillis, change) : change.get();
  }

  /**
   * Answers a read (Get or Range) from the state as it is, without a log entry: the runtime calls it
   * once the read's confirmed index is applied (ReadIndex, dissertation §6.4). The revision is the
   * applied index.
   *
   * @throws IllegalArgumentException for a command that changes state
   */
  public Message read(Command command) {
    return switch (command.getOpCase()) {
      case GET -> get(appliedIndex, command.getGet());
      case RANGE -> range(appliedIndex, command.getRange());
      default -> throw new IllegalArgumentException("not a read: " + command.getOpCase());
    };
  }

  /** The index of the last command applied; a no-op entry also counts once the runtime reports it. */
  public long appliedIndex() {
    return appliedIndex;
  }

  /** An entry without a command (a leader's no-op) still moves the applied index. */
  public void skip(long index) {
    if (index <= appliedIndex) throw new IllegalStateException("index " + index + " applied twice (applied " + appliedIndex + ")");
    appliedIndex = index;
    changes.applied(index);
  }

  /**
   * A consistent point-in-time copy of the whole state, to be written by another thread while this one
   * keeps applying. The pause is one pass over the map copying references into an array (the entries
   * are immutable protobuf messages, so they are shared, not copied). Measured for 1M small keys on 2
   * cores ({@code KvSnapshotPause} in the tests): about 22 ms warm, 45 ms on a cold first call; it grows
   * linearly with the number of keys, not with their size. Holds 4-8 bytes of heap per key until written.
   * (A copy of the TreeMap itself would allocate a node per key; a persistent map would avoid the pause
   * altogether, at a cost on every write.)
   */
  public StateCopy copyForSnapshot() {
    SessionState[] sessionStates = sessionsLeftOutOfSnapshots ? new SessionState[0] : sessions.copy();
    return new StateCopy(appliedIndex, data.values().toArray(new KeyValue[0]), logTimeMillis, sessionStates);
  }

  /** Open sessions. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Session writes answered from the session table since this node started: retries not applied twice. */
  public long sessionRetriesAnswered() {
    return retriesBeforeRestore + sessions.retriesAnswered();
  }

  /** A hash of the whole state (keys, values, revisions, sessions), equal on members that hold the same state. */
  public int stateHash() {
    return 31 * (31 * data.hashCode() + Long.hashCode(logTimeMillis)) + sessions.stateHash();
  }

  /** Writes the whole state and the applied index as a snapshot payload; {@code out} is flushed, not closed. */
  public void writeSnapshot(OutputStream out) throws IOException {
    copyForSnapshot().writeTo(out);
  }

  /**
   * Replaces the whole state and the applied index with a snapshot payload, reading {@code in} to its end.
   * All or nothing: on any error the state is unchanged.
   *
   * @throws IllegalArgumentException if the payload is truncated, malformed, of another format version,
   *     or followed by extra bytes
   * @throws IOException if {@code in} fails
   */
  public void restore(InputStream in) throws IOException {
    CodedInputStream coded = CodedInputStream.newInstance(in, BUFFER);
    PayloadHeader header = header(coded);
    long index = header.appliedIndex();
    long count = header.keys();
    if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("key-value snapshot has a bad entry count " + count);
    NavigableMap<ByteString, KeyValue> restored = new TreeMap<>(KEY_ORDER);
    ByteString previous = null;
    for (long i = 0; i < count; i++) {
      KeyValue.Builder b = KeyValue.newBuilder();
      try {
        coded.resetSizeCounter(); // the 2 GB limit applies per message, not to the whole snapshot
        coded.readMessage(b, ExtensionRegistryLite.getEmptyRegistry());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("key-value snapshot entry " + (i + 1) + " of " + count + " is truncated or "
            + "malformed (" + e.getMessage() + ")", e);
      }
      KeyValue kv = b.build();
      if (previous != null && KEY_ORDER.compare(previous, kv.getKey()) >= 0) {
        throw new IllegalArgumentException("key-value snapshot entry " + (i + 1) + " is out of key order or repeats a key");
      }
      if (kv.getRevision() < 1 || kv.getRevision() > index) {
        throw new IllegalArgumentException("key-value snapshot entry " + (i + 1) + " has revision " + kv.getRevision()
            + ", outside 1.." + index + " (the applied index)");
      }
      restored.put(kv.getKey(), kv);
      previous = kv.getKey();
    }
    long restoredLogTime = 0;
    SessionTable restoredSessions = new SessionTable();
    if (header.version() == SNAPSHOT_VERSION) {
      try {
        restoredLogTime = coded.readFixed64();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("key-value snapshot is truncated after its " + count + " entries", e);
      }
      restoredSessions = SessionTable.read(coded, index);
    }
    // reading to the end also lets a checksumming stream check the file before anything is replaced
    if (!coded.isAtEnd()) throw new IllegalArgumentException("key-value snapshot has bytes after its end");
    data = restored;
    appliedIndex = index;
    logTimeMillis = restoredLogTime;
    retriesBeforeRestore += sessions.retriesAnswered();
    sessions = restoredSessions;
    changes.restored(index);
  }

  /** What a snapshot payload's header says about the state in it. */
  public record PayloadHeader(int version, long appliedIndex, long keys) {}

  /**
   * Reads only the header of a snapshot payload (24 bytes), for tools that describe a snapshot
   * without loading it; the entries after it are not read, so they are not checked either.
   *
   * @throws IllegalArgumentException if the header is truncated, not a key-value payload, or of
   *     another format version
   */
  public static PayloadHeader readHeader(InputStream in) throws IOException {
    return header(CodedInputStream.newInstance(in, 64));
  }

  private static PayloadHeader header(CodedInputStream coded) throws IOException {
    try {
      int magic = coded.readFixed32();
      if (magic != SNAPSHOT_MAGIC) throw new IllegalArgumentException("not a key-value snapshot payload (no \"KVSM\" magic)");
      int version = coded.readFixed32();
      if (version != SNAPSHOT_VERSION && version != SNAPSHOT_VERSION_WITHOUT_SESSIONS) {
        throw new IllegalArgumentException("key-value snapshot format version " + version + " is not supported; this "
            + "Kuorum reads versions " + SNAPSHOT_VERSION_WITHOUT_SESSIONS + " and " + SNAPSHOT_VERSION);
      }
      long index = coded.readFixed64();
      long count = coded.readFixed64();
      if (index < 0) throw new IllegalArgumentException("key-value snapshot has a negative applied index " + index);
      if (count < 0) throw new IllegalArgumentException("key-value snapshot has a bad entry count " + count);
      return new PayloadHeader(version, index, count);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("key-value snapshot header is truncated", e);
    }
  }

  /**
   * The state at one applied index, detached from the state machine: an array of immutable entries in
   * key order. Any thread may write it; it is never changed.
   */
  public static final class StateCopy {
    private final long appliedIndex;
    private final KeyValue[] entries;
    private final long logTimeMillis;
    private final SessionState[] sessions;

    private StateCopy(long appliedIndex, KeyValue[] entries, long logTimeMillis, SessionState[] sessions) {
      this.appliedIndex = appliedIndex;
      this.entries = entries;
      this.logTimeMillis = logTimeMillis;
      this.sessions = sessions;
    }

    public long appliedIndex() {
      return appliedIndex;
    }

    public int size() {
      return entries.length;
    }

    /** Streams this state as a snapshot payload (see {@link KvStateMachine}); {@code out} is flushed, not closed. */
    public void writeTo(OutputStream out) throws IOException {
      CodedOutputStream coded = CodedOutputStream.newInstance(out, BUFFER);
      coded.writeFixed32NoTag(SNAPSHOT_MAGIC);
      coded.writeFixed32NoTag(SNAPSHOT_VERSION);
      coded.writeFixed64NoTag(appliedIndex);
      coded.writeFixed64NoTag(entries.length);
      for (KeyValue kv : entries) {
        coded.writeUInt32NoTag(kv.getSerializedSize());
        kv.writeTo(coded);
      }
      coded.writeFixed64NoTag(logTimeMillis);
      SessionTable.write(sessions, coded);
      coded.flush();
    }
  }

  private PutResponse put(long index, PutRequest r) {
    KeyValue kv = KeyValue.newBuilder().setKey(r.getKey()).setValue(r.getValue()).setRevision(index).build();
    data.put(kv.getKey(), kv);
    changes.changed(new Change.Put(kv));
    return PutResponse.newBuilder().setRevision(index).build();
  }

  private DeleteResponse delete(long index, DeleteRequest r) {
    boolean deleted = data.remove(r.getKey()) != null;
    if (deleted) changes.changed(new Change.Delete(r.getKey(), index));
    return DeleteResponse.newBuilder().setDeleted(deleted).setRevision(index).build();
  }

  private CompareAndSetResponse compareAndSet(long index, CompareAndSetRequest r) {
    KeyValue current = data.get(r.getKey());
    boolean matches = r.getExpectPresent()
        ? current != null && current.getValue().equals(r.getExpectedValue())
        : current == null;
    if (matches) {
      KeyValue kv = KeyValue.newBuilder().setKey(r.getKey()).setValue(r.getNewValue()).setRevision(index).build();
      data.put(r.getKey(), kv);
      changes.changed(new Change.Put(kv));
    }
    CompareAndSetResponse.Builder b = CompareAndSetResponse.newBuilder().setSucceeded(matches).setRevision(index)
        .setWasPresent(current != null);
    if (current != null) b.setPreviousValue(current.getValue());
    return b.build();
  }

  private GetResponse get(long revision, GetRequest r) {
    KeyValue kv = data.get(r.getKey());
    GetResponse.Builder b = GetResponse.newBuilder().setRevision(revision).setFound(kv != null);
    if (kv != null) b.setKv(kv);
    return b.build();
  }

  private RangeResponse range(long index, RangeRequest r) {
    int limit = r.getLimit() == 0 ? limits.defaultRangeLimit() : Math.min(r.getLimit(), limits.maxRangeLimit());
    RangeResponse.Builder b = RangeResponse.newBuilder().setRevision(index);
    for (Map.Entry<ByteString, KeyValue> e : data.tailMap(r.getPrefix(), true).entrySet()) {
      if (!e.getKey().startsWith(r.getPrefix())) break;
      if (b.getKvsCount() == limit) {
        b.setMore(true);
        break;
      }
      b.addKvs(e.getValue());
    }
    return b.build();
  }
}
