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
import java.util.Arrays;
import java.util.Set;

/**
 * Measures what a snapshot of N small keys costs (default 1M): the pause of {@link KvStateMachine#copyForSnapshot()}
 * on the apply thread, then writing, verifying and restoring the file. A quick measurement, not a test;
 * numbers belong in BENCHMARKS.md. Run: {@code java -cp <test classpath> io.kuorum.snapshot.KvSnapshotPause [keys] [dir]}.
 */
public final class KvSnapshotPause {

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path data = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("kv-snapshot-pause");
    KvStateMachine sm = new KvStateMachine(KvLimits.DEFAULT);
    for (int i = 1; i <= keys; i++) {
      sm.apply(i, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(String.format("key/%08d", i)))
          .setValue(ByteString.copyFromUtf8("value-" + i)).build()).build().toByteArray());
    }
    long[] pauses = new long[15];
    KvStateMachine.StateCopy copy = null;
    for (int round = 0; round < pauses.length; round++) {
      long start = System.nanoTime();
      copy = sm.copyForSnapshot();
      pauses[round] = System.nanoTime() - start;
    }
    long first = pauses[0];
    Arrays.sort(pauses);
    System.out.printf("copyForSnapshot of %,d keys: first %.1f ms, median %.1f ms, min %.1f ms, max %.1f ms%n", copy.size(),
        first / 1e6, pauses[pauses.length / 2] / 1e6, pauses[0] / 1e6, pauses[pauses.length - 1] / 1e6);

    SnapshotDirectory dir = SnapshotDirectory.open(data);
    SnapshotMeta meta = new SnapshotMeta(copy.appliedIndex(), 1, new ConfigurationEntry(Configuration.of(Set.of(1L)), new byte[0]));
    long start = System.nanoTime();
    SnapshotFile file = dir.write(meta, copy::writeTo);
    long write = System.nanoTime() - start;
    start = System.nanoTime();
    SnapshotFile verified = SnapshotFile.verify(file.path());
    long verify = System.nanoTime() - start;
    KvStateMachine restored = new KvStateMachine(KvLimits.DEFAULT);
    start = System.nanoTime();
    verified.readPayload(restored::restore);
    long restore = System.nanoTime() - start;
    System.out.printf("file %,d bytes; write+fsync %.0f ms, verify %.0f ms, restore %.0f ms (applied index %d)%n",
        verified.size(), write / 1e6, verify / 1e6, restore / 1e6, restored.appliedIndex());
    Files.delete(file.path());
  }
}
