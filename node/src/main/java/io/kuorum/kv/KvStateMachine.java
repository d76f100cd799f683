package io.kuorum.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KeyValue;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The replicated state machine: an ordered map from byte keys to values. Every node applies the same
 * committed commands in the same order and so computes the same answers; the node that proposed a
 * command hands its answer to the waiting client. Each value remembers the log index (revision)
 * that wrote it. Single-threaded: only the runtime's apply path calls it.
 */
public final class KvStateMachine {

  private final NavigableMap<ByteString, KeyValue> data = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  private final KvLimits limits;
  private long appliedIndex;

  public KvStateMachine(KvLimits limits) {
    this.limits = limits;
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
    return switch (command.getOpCase()) {
      case PUT -> {
        KeyValue kv = KeyValue.newBuilder().setKey(command.getPut().getKey()).setValue(command.getPut().getValue())
            .setRevision(index).build();
        data.put(kv.getKey(), kv);
        yield PutResponse.newBuilder().setRevision(index).build();
      }
      case GET -> {
        KeyValue kv = data.get(command.getGet().getKey());
        GetResponse.Builder b = GetResponse.newBuilder().setRevision(index).setFound(kv != null);
        if (kv != null) b.setKv(kv);
        yield b.build();
      }
      case DELETE -> DeleteResponse.newBuilder().setDeleted(data.remove(command.getDelete().getKey()) != null)
          .setRevision(index).build();
      case COMPARE_AND_SET -> compareAndSet(index, command.getCompareAndSet());
      case RANGE -> range(index, command.getRange());
      case OP_NOT_SET -> throw new IllegalStateException("committed entry " + index + " holds an empty command");
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
  }

  private CompareAndSetResponse compareAndSet(long index, CompareAndSetRequest r) {
    KeyValue current = data.get(r.getKey());
    boolean matches = r.getExpectPresent()
        ? current != null && current.getValue().equals(r.getExpectedValue())
        : current == null;
    if (matches) {
      data.put(r.getKey(), KeyValue.newBuilder().setKey(r.getKey()).setValue(r.getNewValue()).setRevision(index).build());
    }
    CompareAndSetResponse.Builder b = CompareAndSetResponse.newBuilder().setSucceeded(matches).setRevision(index)
        .setWasPresent(current != null);
    if (current != null) b.setPreviousValue(current.getValue());
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
