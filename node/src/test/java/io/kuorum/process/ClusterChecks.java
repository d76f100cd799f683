package io.kuorum.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuorum.check.CheckResult;
import io.kuorum.check.History;
import io.kuorum.check.LinearizabilityChecker;
import io.kuorum.check.SerializableReadChecker;
import io.kuorum.client.ClientOptions;
import io.kuorum.client.KeyValue;
import io.kuorum.client.KuorumClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The end-of-test checks: nothing acknowledged was lost, and what clients saw is linearizable. */
final class ClusterChecks {

  private ClusterChecks() {}

  static void assertEveryAcknowledgedWriteSurvived(ProcessCluster cluster, Map<String, String> acked) {
    List<String> lost = new ArrayList<>();
    try (KuorumClient client = KuorumClient.connect(cluster.endpoints(), ClientOptions.defaults().withDeadline(Duration.ofSeconds(10)))) {
      for (Map.Entry<String, String> e : acked.entrySet()) {
        Optional<String> v = client.get(e.getKey()).map(KeyValue::valueUtf8);
        if (!v.equals(Optional.of(e.getValue()))) lost.add(e.getKey() + "=" + e.getValue() + " read back as " + v);
      }
    }
    assertThat(acked).as("acknowledged writes").isNotEmpty();
    assertThat(lost).as("acknowledged writes lost (of %d)%s", acked.size(), cluster.logs()).isEmpty();
  }

  static void assertLinearizable(History history) {
    CheckResult result = new LinearizabilityChecker().check(history.operations());
    assertThat(result.isLinearizable()).as("client history of %d operations:%n%s", history.size(), result.describe()).isTrue();
    CheckResult serializable = SerializableReadChecker.check(history.operations(), history.serializableReads());
    assertThat(serializable.isLinearizable()).as("serializable reads: %s", serializable.describe()).isTrue();
  }
}
