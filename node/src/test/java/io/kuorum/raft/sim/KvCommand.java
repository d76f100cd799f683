package io.kuorum.raft.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kuorum.check.KvInput;
import io.kuorum.check.KvOutput;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.PutResponse;
import io.kuorum.kv.proto.Session;
import java.util.Optional;

/**
 * A client operation of the simulated cluster, as the real key-value state machine takes it: a protobuf
 * {@link Command}, in a client session when {@code session} is present (writes only, dissertation §6.3).
 */
record KvCommand(long opId, String key, KvInput input, Optional<Session> session) {

  KvCommand(long opId, String key, KvInput input) {
    this(opId, key, input, Optional.empty());
  }

  /** The same write as write {@code sequence} of session {@code id}; one write in flight, so nothing below it is unanswered. */
  KvCommand inSession(long id, long sequence) {
    return new KvCommand(opId, key, input, Optional.of(Session.newBuilder().setId(id).setSequence(sequence)
        .setLowestUnanswered(sequence).build()));
  }

  boolean isWrite() {
    return !(input instanceof KvInput.Get);
  }

  Command toProto() {
    ByteString k = ByteString.copyFromUtf8(key);
    if (input instanceof KvInput.Put p) {
      PutRequest.Builder put = PutRequest.newBuilder().setKey(k).setValue(ByteString.copyFromUtf8(p.value()));
      session.ifPresent(put::setSession);
      return Command.newBuilder().setPut(put).build();
    }
    if (input instanceof KvInput.Cas c) {
      CompareAndSetRequest.Builder cas = CompareAndSetRequest.newBuilder().setKey(k).setExpectPresent(c.expected().isPresent())
          .setExpectedValue(ByteString.copyFromUtf8(c.expected().orElse(""))).setNewValue(ByteString.copyFromUtf8(c.newValue()));
      session.ifPresent(cas::setSession);
      return Command.newBuilder().setCompareAndSet(cas).build();
    }
    return Command.newBuilder().setGet(GetRequest.newBuilder().setKey(k)).build();
  }

  /** What the client sees of the state machine's answer to a put, get or compare-and-set. */
  static KvOutput output(Message answer) {
    if (answer instanceof PutResponse) return new KvOutput.PutDone();
    if (answer instanceof CompareAndSetResponse c) return new KvOutput.CasResult(c.getSucceeded());
    GetResponse g = (GetResponse) answer;
    return new KvOutput.GetResult(g.getFound() ? Optional.of(g.getKv().getValue().toStringUtf8()) : Optional.empty());
  }
}
