package io.kuorum.jmh;

import com.google.protobuf.ByteString;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.OpenSessionRequest;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.Session;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine applying one committed put as the node does: decoding the command, the session
 * check (exactly-once), the map update, the answer; plus encoding the command first (each put is a new
 * sequence number of one session, so it cannot be prepared ahead). Keys cycle through 100,000, values
 * are 256 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KvApplyBenchmark {

  private KvStateMachine kv;
  private long index;
  private long sequence;
  private long session;
  private final ByteString value = ByteString.copyFrom(new byte[256]);

  @Setup(Level.Iteration)
  public void open() {
    kv = new KvStateMachine(KvLimits.DEFAULT);
    index = 1;
    session = index;
    kv.apply(index, Command.newBuilder().setOpenSession(OpenSessionRequest.newBuilder()).build().toByteArray());
    sequence = 0;
  }

  @Benchmark
  public Object applyPut() {
    sequence++;
    byte[] key = ("key-" + (sequence % 100_000)).getBytes(StandardCharsets.US_ASCII);
    Command put = Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFrom(key)).setValue(value)
        .setSession(Session.newBuilder().setId(session).setSequence(sequence).setLowestUnanswered(sequence)))
        .setProposedAtMillis(index).build();
    return kv.apply(++index, put.toByteArray());
  }
}
