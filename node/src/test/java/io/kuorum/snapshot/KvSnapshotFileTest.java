package io.kuorum.snapshot;

import static io.kuorum.snapshot.Snapshots.flipByte;
import static io.kuorum.snapshot.Snapshots.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.KvStateMachine;
import io.kuorum.kv.proto.Command;
import io.kuorum.kv.proto.PutRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key-value state machine's snapshots through real files: the path a restart and an install take. */
class KvSnapshotFileTest {

  @TempDir Path data;

  private static KvStateMachine withKeys(int n) {
    KvStateMachine sm = new KvStateMachine(KvLimits.DEFAULT);
    for (int i = 1; i <= n; i++) {
      sm.apply(i, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("key/" + i))
          .setValue(ByteString.copyFromUtf8("value/" + i))).build().toByteArray());
    }
    return sm;
  }

  private static byte[] payloadOf(KvStateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    return out.toByteArray();
  }

  @Test
  void aCopyWrittenToAFileRestoresTheSameState() throws IOException {
    KvStateMachine sm = withKeys(5000);
    KvStateMachine.StateCopy copy = sm.copyForSnapshot();
    SnapshotDirectory dir = SnapshotDirectory.open(data);
    SnapshotFile file = dir.write(meta(copy.appliedIndex(), 3), copy::writeTo);

    KvStateMachine restored = new KvStateMachine(KvLimits.DEFAULT);
    dir.latestValid().snapshot().orElseThrow().readPayload(restored::restore);

    assertThat(file.name()).isEqualTo(new SnapshotName(5000, 3));
    assertThat(restored.appliedIndex()).isEqualTo(5000);
    assertThat(payloadOf(restored)).isEqualTo(payloadOf(sm));
  }

  @Test
  void aFileDamagedAfterVerificationIsRefusedBeforeTheStateIsReplaced() throws IOException {
    KvStateMachine sm = withKeys(5000);
    SnapshotFile file = SnapshotDirectory.open(data).write(meta(5000, 3), sm::writeSnapshot);
    flipByte(file.path(), file.size() - 20); // the last entry's value, after verification
    KvStateMachine target = withKeys(3);
    byte[] before = payloadOf(target);

    assertThatThrownBy(() -> file.readPayload(target::restore)).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining(file.path().toString()).hasMessageContaining("no longer matches");
    assertThat(payloadOf(target)).isEqualTo(before);
  }

  @Test
  void aPayloadTheStateMachineCannotReadIsReportedWithTheFileName() {
    SnapshotFile file = SnapshotDirectory.open(data).write(meta(7, 1), out -> out.write("not kv".getBytes()));
    KvStateMachine target = new KvStateMachine(KvLimits.DEFAULT);
    assertThatThrownBy(() -> file.readPayload(target::restore)).isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining(file.path().toString()).hasMessageContaining("not a key-value snapshot payload");
    assertThat(target.appliedIndex()).isZero();
  }
}
