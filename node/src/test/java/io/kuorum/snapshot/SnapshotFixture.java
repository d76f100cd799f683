package io.kuorum.snapshot;

import com.google.protobuf.ByteString;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Set;

/**
 * Not a test: writes a snapshot file of N keys ({@code key/%08d}, values of a given size) for
 * measurements: `bin/kuorum restore` seeds a cluster from it. Run:
 * {@code java -cp <test classpath> io.kuorum.snapshot.SnapshotFixture KEYS VALUE_BYTES OUT_FILE}.
 */
public final class SnapshotFixture {

  private SnapshotFixture() {}

  public static void main(String[] args) throws Exception {
    int keys = Integer.parseInt(args[0]);
    int valueBytes = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]);
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'v');
    KvStateMachine sm = new KvStateMachine(KvLimits.DEFAULT);
    for (int i = 1; i <= keys; i++) {
      sm.apply(i, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(String.format("key/%08d", i)))
          .setValue(ByteString.copyFrom(value)).build()).build().toByteArray());
    }
    Path dir = Files.createTempDirectory("snapshot-fixture");
    SnapshotMeta meta = new SnapshotMeta(keys, 1, new ConfigurationEntry(Configuration.of(Set.of(1L)), new byte[0]));
    SnapshotFile file = SnapshotDirectory.open(dir).write(meta, sm.copyForSnapshot()::writeTo);
    Files.move(file.path(), out, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("wrote %s: %,d keys of %d B values, %,d bytes, index %d%n", out, keys, valueBytes, Files.size(out), keys);
  }
}
