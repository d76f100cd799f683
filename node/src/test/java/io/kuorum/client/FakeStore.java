package io.kuorum.client;

import com.google.protobuf.Message;
import io.grpc.StatusRuntimeException;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.DeleteResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.OpenSessionResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import io.kuorum.kv.proto.SessionRefusal;
import io.kuorum.server.GrpcErrors;

/**
 * The replicated state the fake nodes share: the real key-value state machine, sessions included,
 * fed one command at a time as if each were the next committed entry. It counts the writes that
 * changed something, so a test can tell how many times a write was applied.
 */
public final class FakeStore {
  private final KvStateMachine state = new KvStateMachine(KvLimits.DEFAULT);
  private long index;
  private int appliedWrites;

  public synchronized PutResponse put(PutRequest request) {
    return write(Command.newBuilder().setPut(request), PutResponse.class);
  }

  public synchronized GetResponse get(GetRequest request) {
    return (GetResponse) state.read(Command.newBuilder().setGet(request).build());
  }

  public synchronized DeleteResponse delete(DeleteRequest request) {
    return write(Command.newBuilder().setDelete(request), DeleteResponse.class);
  }

  public synchronized CompareAndSetResponse compareAndSet(CompareAndSetRequest request) {
    return write(Command.newBuilder().setCompareAndSet(request), CompareAndSetResponse.class);
  }

  public synchronized OpenSessionResponse openSession(OpenSessionRequest request) {
    return (OpenSessionResponse) apply(Command.newBuilder().setOpenSession(request));
  }

  public synchronized RangeResponse range(RangeRequest request) {
    return (RangeResponse) state.read(Command.newBuilder().setRange(request).build());
  }

  /** How many writes (put, delete, compare-and-set) were applied; a retry answered from its session does not count. */
  public synchronized int appliedWrites() {
    return appliedWrites;
  }

  /** Applies a write; a session refusal becomes the status the real server sends. */
  private <T extends Message> T write(Command.Builder command, Class<T> type) {
    Message answer = apply(command);
    if (answer instanceof SessionRefusal refusal) {
      StatusRuntimeException refused = GrpcErrors.toStatus(refusal);
      throw refused;
    }
    if (revision(answer) == index) appliedWrites++; // a retry answers with its first revision
    return type.cast(answer);
  }

  private Message apply(Command.Builder command) {
    return state.apply(++index, command.setProposedAtMillis(System.currentTimeMillis()).build().toByteArray());
  }

  private static long revision(Message answer) {
    if (answer instanceof PutResponse p) return p.getRevision();
    if (answer instanceof DeleteResponse d) return d.getRevision();
    return ((CompareAndSetResponse) answer).getRevision();
  }
}
