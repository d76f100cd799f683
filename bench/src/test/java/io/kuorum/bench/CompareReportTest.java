package io.kuorum.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompareReportTest {

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(CompareReport.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(CompareReport.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(CompareReport.median(new double[0])).isNaN();
  }

  private static String run(String system, String workload, double perSecond, double p50, double p99, String extra) {
    return "{\"system\":\"" + system + "\",\"workload\":\"" + workload + "\",\"rep\":1,\"op\":\"put\",\"valSize\":256,"
        + "\"target\":\"leader\",\"endpoints\":[\"a:1\"],\"clients\":16,\"conns\":16,\"keySpace\":100000000,\"leader\":\"a:1\","
        + "\"durationSeconds\":10,\"seconds\":10,\"total\":" + (long) (perSecond * 10) + ",\"perSecond\":" + perSecond
        + ",\"p50Ms\":" + p50 + ",\"p90Ms\":1,\"p99Ms\":" + p99 + ",\"maxMs\":9,\"failed\":0,\"longestWaitMs\":9,\"maxGapMs\":5" + extra
        + ",\"cpuSeconds\":{\"loadGenerator\":2,\"members\":{\"a:1\":4,\"b:1\":1,\"c:1\":1.5}}}";
  }

  @Test
  void tableGivesMediansPerSystemAndTheirRatio() {
    String md = CompareReport.markdown(List.of(
        run("etcd", "put-16", 1000, 1.5, 20, ""),
        run("kuorum", "put-16", 600, 2.5, 30, ""),
        run("etcd", "put-16", 1200, 1.25, 10, ""),
        run("kuorum", "put-16", 500, 3, 40, ""),
        run("etcd", "put-16", 1100, 1, 15, ""),
        run("kuorum", "put-16", 550, 2, 35, ""),
        "{\"system\":\"etcd\",\"workload\":\"preload\",\"op\":\"put\",\"total\":10000}",
        ""));
    assertThat(md).contains("| put, 16 clients (16 conns), to the leader | 1,100 | 1.25 | 15.0 | 550 | 2.50 | 35.0 | 0.50× |");
    // CPU: leader a:1 = 4 s, followers 1 + 1.5 s, load generator 2 s; (4 + 2.5) s / 11,000 ops = 591 µs/op
    assertThat(md).contains("| put, 16 clients (16 conns), to the leader | 4.00 | 2.50 | 2.00 | 591 | 4.00 | 2.50 | 2.00 | 1182 |");
    assertThat(md).doesNotContain("preload").doesNotContain("Failover");
  }

  @Test
  void failoverRowsGiveTheWindowsAndFailuresWithTheirRange() {
    String kill = ",\"killed\":\"a:1\",\"killAtMs\":3333";
    String md = CompareReport.markdown(List.of(
        run("etcd", "failover", 900, 2, 50, kill + ",\"maxGapAfterKillMs\":1200").replace("\"maxGapMs\":5", "\"maxGapMs\":1300"),
        run("etcd", "failover", 800, 2, 50, kill + ",\"maxGapAfterKillMs\":1000").replace("\"maxGapMs\":5", "\"maxGapMs\":1100")
            .replace("\"failed\":0", "\"failed\":7"),
        run("kuorum", "failover", 400, 3, 90, kill + ",\"maxGapAfterKillMs\":2000").replace("\"maxGapMs\":5", "\"maxGapMs\":2000")));
    assertThat(md).contains("| put, 16 clients (16 conns), to the leader, leader SIGKILLed | etcd | 1100 (1000–1200) | 4 (0–7) "
        + "| 9 (9–9) | 850 |");
    assertThat(md).contains("| put, 16 clients (16 conns), to the leader, leader SIGKILLed | Kuorum | 2000 | 0 | 9 | 400 |");
  }

  @Test
  void aMissingSystemShowsDashesAndTheRunCounts() {
    String md = CompareReport.markdown(List.of(run("etcd", "w", 1000, 1, 2, "")));
    assertThat(md).contains("| put, 16 clients (16 conns), to the leader (runs: etcd 1, Kuorum 0) | 1,000 | 1.00 | 2.00 | – | – | – | – |");
  }
}
