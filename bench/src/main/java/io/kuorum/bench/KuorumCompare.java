package io.kuorum.bench;

/** {@link CompareRun} against a Kuorum cluster; run on the node's classpath (bench/target/lib). */
public final class KuorumCompare {

  private KuorumCompare() {}

  public static void main(String[] args) {
    System.exit(CompareRun.execute(KuorumCluster::new, args));
  }
}
