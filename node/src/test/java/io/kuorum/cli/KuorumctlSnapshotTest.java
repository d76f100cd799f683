package io.kuorum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.server.KuorumServer;
import io.kuorum.server.SingleNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kuorumctl snapshot save and status against a real single-node cluster (gRPC on loopback, MapDB files). */
class KuorumctlSnapshotTest {

  @TempDir Path dir;
  private KuorumServer server;
  private String endpoint;

  @BeforeEach
  void start() {
    server = SingleNode.start(dir.resolve("data"), "ctl");
    endpoint = SingleNode.endpoint(server);
    try (KuorumClient c = KuorumClient.connect(List.of(endpoint), ClientOptions.defaults())) {
      for (int i = 0; i < 10; i++) c.put("k" + i, "v" + i);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void saveWritesAVerifiedFileAndRefusesToOverwriteItWithoutForce() throws IOException {
    Path file = dir.resolve("backup.snap");
    Run save = Run.against(endpoint, "snapshot", "save", file.toString());
    assertThat(save.exitCode()).as(save.err()).isZero();
    assertThat(save.out()).matches("saved snapshot at index \\d+ \\(term 1\\), \\d+(\\.\\d)? (B|KiB), 10 keys to "
        + java.util.regex.Pattern.quote(file.toString()) + "\n");
    byte[] first = Files.readAllBytes(file);

    Run again = Run.against(endpoint, "snapshot", "save", file.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains(file + " already exists").contains("--force");
    assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo(first);

    Run forced = Run.against(endpoint, "-o", "json", "snapshot", "save", file.toString(), "--force");
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    Map<String, Object> json = StrictJson.object(forced.out());
    assertThat(json).containsEntry("file", file.toString()).containsEntry("keys", 10L).containsEntry("leaderId", 1L)
        .containsEntry("clusterId", "ctl").containsEntry("bytes", Files.size(file));
    assertThat((Long) json.get("index")).isPositive();
    assertThat(Files.exists(dir.resolve("backup.snap.part"))).isFalse();
  }

  @Test
  void statusDescribesASavedSnapshotOffline() {
    Path file = dir.resolve("backup.snap");
    assertThat(Run.against(endpoint, "snapshot", "save", file.toString()).exitCode()).isZero();
    server.close(); // status reads only the file
    server = null;

    Run status = Run.against(LoopbackPorts.closed(), "snapshot", "status", file.toString());
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("(checksum and structure verified)").contains("term:      1")
        .contains("keys:      10").contains("voters:    1\n").contains("learners:  none");

    Map<String, Object> json = StrictJson.object(Run.against(LoopbackPorts.closed(), "snapshot", "status",
        file.toString(), "-o", "json").out());
    assertThat(json).containsEntry("valid", true).containsEntry("keys", 10L).containsEntry("voters", List.of(1L));
  }

  @Test
  void statusOfACorruptOrMissingFileSaysSoAndFails() throws IOException {
    Path file = dir.resolve("backup.snap");
    assertThat(Run.against(endpoint, "snapshot", "save", file.toString()).exitCode()).isZero();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 20] ^= 0x01;
    Files.write(file, bytes);

    Run corrupt = Run.against(endpoint, "snapshot", "status", file.toString());
    assertThat(corrupt.exitCode()).isEqualTo(5);
    assertThat(corrupt.errLines()).singleElement().asString()
        .startsWith("kuorumctl: " + file + " is not a valid snapshot: its checksum does not match");

    Run missing = Run.against(endpoint, "snapshot", "status", dir.resolve("nope.snap").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.snap does not exist");
  }

  @Test
  void saveWithNoClusterReachableExitsWithThreeAndLeavesNoFile() {
    Path file = dir.resolve("backup.snap");
    Run save = Run.against(LoopbackPorts.closed(), "--timeout", "1s", "snapshot", "save", file.toString());
    assertThat(save.exitCode()).isEqualTo(3);
    assertThat(save.err()).contains("no leader reachable");
    assertThat(file).doesNotExist();
    assertThat(dir.resolve("backup.snap.part")).doesNotExist();
  }
}
