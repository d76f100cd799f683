package io.kuorum.bench.etcd;

import io.kuorum.bench.CompareRun;

/** {@code CompareRun} against an etcd cluster; run on jetcd's classpath (bench/etcd/target/lib). */
public final class EtcdCompare {

  private EtcdCompare() {}

  public static void main(String[] args) {
    System.exit(CompareRun.execute(EtcdCluster::new, args));
  }
}
