package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that cannot start safely says why, names the culprit, exits non-zero, and changes nothing. */
class StartupErrorsTest {

  private static NodeProcess single(Path dir, Path data) {
    List<Integer> ports = ProcessCluster.freePorts(2);
    NodeProcess n = new NodeProcess(1, ports.get(0), ports.get(1), data, dir.resolve("node.log"), ProcessCluster.FAST_TIMERS);
    n.members(n.memberSpec());
    return n;
  }

  @Test
  void aPortInUseIsNamed(@TempDir Path dir) throws IOException {
    NodeProcess n = single(dir, dir.resolve("data"));
    try (ServerSocket taken = new ServerSocket(n.clientPort, 50, InetAddress.getByName("127.0.0.1"))) {
      int code = n.start().waitForExit();
      assertThat(code).isEqualTo(1);
      assertThat(n.log()).contains("cannot listen for client connections on 127.0.0.1:" + n.clientPort)
          .contains("--listen-client");
    }
  }

  @Test
  void anUnwritableDataDirectoryIsNamed(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Path data = file.resolve("data");
    NodeProcess n = single(dir, data);
    assertThat(n.start().waitForExit()).isEqualTo(1);
    assertThat(n.log()).contains(data.toString());
  }

  @Test
  void invalidFlagsAreRefusedWithTheReason(@TempDir Path dir) {
    NodeProcess n = new NodeProcess(1, 1, 2, dir.resolve("data"), dir.resolve("node.log"), List.of("--election-ticks", "1"));
    n.members("1=127.0.0.1:2/1");
    assertThat(n.start().waitForExit()).isEqualTo(2);
    assertThat(n.log()).contains("invalid configuration").contains("--election-ticks");
  }

  @Test
  void corruptAndForeignDataFilesStopTheNodeAndAreLeftUntouched(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    NodeProcess n = single(dir, data);
    n.start();
    try (KuorumClient client = KuorumClient.connect(List.of(n.endpoint()), ClientOptions.defaults().withDeadline(Duration.ofSeconds(20)))) {
      for (int i = 0; i < 200; i++) client.put("k" + i, "value-" + i);
    }
    n.terminate(); // SIGTERM: the graceful path
    assertThat(n.log()).contains("node 1 shutting down").contains("node 1 shut down");

    // Another member's directory: refused, named.
    List<Integer> ports = ProcessCluster.freePorts(2);
    NodeProcess stranger = new NodeProcess(2, ports.get(0), ports.get(1), data, dir.resolve("stranger.log"), List.of());
    stranger.members(stranger.memberSpec());
    assertThat(stranger.start().waitForExit()).isEqualTo(1);
    assertThat(stranger.log()).contains(data.toString()).contains("member 1");

    // One torn copy (as a SIGKILL in the middle of a MapDB commit leaves it): restored from the other, nothing lost.
    Path copyA = data.resolve("copy-a").resolve("kuorum-log-00000001.mapdb");
    Path copyB = data.resolve("copy-b").resolve("kuorum-log-00000001.mapdb");
    tear(copyA);
    n.start();
    try (KuorumClient client = KuorumClient.connect(List.of(n.endpoint()), ClientOptions.defaults().withDeadline(Duration.ofSeconds(20)))) {
      for (int i = 0; i < 200; i++) {
        assertThat(client.get("k" + i).map(kv -> kv.valueUtf8())).as("k%d after the restore", i).contains("value-" + i);
      }
    }
    n.terminate();
    assertThat(n.log()).contains("replacing it with the intact copy");

    // Both copies torn: the node refuses to start, names the files, and leaves them as they are.
    tear(copyA);
    tear(copyB);
    String beforeA = sha256(copyA);
    String beforeB = sha256(copyB);
    assertThat(n.start().waitForExit()).as(n.logTail(20)).isEqualTo(1);
    assertThat(n.logTail(5)).contains("both copies").contains(copyA.toString()).contains(copyB.toString());
    assertThat(sha256(copyA)).as("a corrupt file is never repaired or truncated").isEqualTo(beforeA);
    assertThat(sha256(copyB)).isEqualTo(beforeB);
  }

  /** Flips every byte but the head and tail of a file. */
  private static void tear(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int i = bytes.length / 8; i < bytes.length * 7 / 8; i++) bytes[i] ^= (byte) 0x5a;
    Files.write(file, bytes);
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
