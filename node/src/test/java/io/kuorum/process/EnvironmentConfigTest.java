package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every setting can come from a KUORUM_* variable instead of a flag, as a Kubernetes pod spec sets them. */
class EnvironmentConfigTest {

  @Test
  void aNodeConfiguredOnlyByEnvironmentStartsAndLeads(@TempDir Path dir) throws Exception {
    List<Integer> ports = ProcessCluster.freePorts(3);
    int client = ports.get(0);
    int peer = ports.get(1);
    int metrics = ports.get(2);
    ProcessBuilder pb = new ProcessBuilder(NodeProcess.javaBin(), "-cp", System.getProperty("java.class.path"),
        "io.kuorum.server.ServerMain")
        .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("KUORUM_ID", "4");
    env.put("KUORUM_CLUSTER_ID", "from-env");
    env.put("KUORUM_MEMBERS", "4=127.0.0.1:" + peer + "/" + client);
    env.put("KUORUM_DATA", dir.resolve("data").toString());
    env.put("KUORUM_LISTEN_CLIENT", "127.0.0.1:" + client);
    env.put("KUORUM_LISTEN_PEER", "127.0.0.1:" + peer);
    env.put("KUORUM_LISTEN_METRICS", "127.0.0.1:" + metrics);
    env.put("KUORUM_TICK_MS", "20");
    Process p = pb.start();
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
    try {
      AtomicReference<StatusResponse> seen = new AtomicReference<>();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
        seen.set(AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(500, TimeUnit.MILLISECONDS)
            .status(StatusRequest.getDefaultInstance()));
        return seen.get().getRole().equals("leader");
      });
      assertThat(seen.get().getId()).isEqualTo(4);
      assertThat(seen.get().getClusterId()).isEqualTo("from-env");
      assertThat(dir.resolve("data").resolve("copy-a")).isDirectory();
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics")).build(), BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("kuorum_raft_role{role=\"leader\"} 1");
    } finally {
      ch.shutdownNow();
      p.destroyForcibly().waitFor();
    }
  }
}
