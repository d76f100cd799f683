package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gets and ranges of a real node are served by ReadIndex (§6.4): right answers, and no log entry per read. */
class ReadIndexServiceTest {

  @TempDir Path dir;
  private KuorumServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void readsSeeEveryAcknowledgedWriteWithoutGrowingTheLog() {
    server = SingleNode.start(dir.resolve("data"), "reads");
    try (KuorumClient c = KuorumClient.connect(List.of(SingleNode.endpoint(server)), ClientOptions.defaults())) {
      long revision = 0;
      for (int i = 0; i < 20; i++) revision = c.put("k/" + i, "v" + i);
      long lastIndex = server.status().lastIndex();
      for (int i = 0; i < 20; i++) {
        assertThat(c.get("k/" + i).map(KeyValue::valueUtf8)).as("k/%d", i).isEqualTo(Optional.of("v" + i));
      }
      assertThat(c.get("absent")).isEmpty();
      assertThat(c.range("k/", 0).entries()).hasSize(20);
      assertThat(server.status().lastIndex()).as("40 reads appended nothing to the log").isEqualTo(lastIndex);
      assertThat(c.put("k/0", "newer")).isGreaterThan(revision);
      assertThat(c.get("k/0").map(KeyValue::valueUtf8)).as("a read after a write sees it").contains("newer");
    }
  }
}
