package io.kuorum.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The JVM's metrics (memory, GC, threads, ...), registered once per process in a registry of their own.
 * A node's registry includes them through {@link #collector()}: the JVM is one however many nodes run in
 * it (tests run several), and {@code JvmMetrics} keeps every registry it registers with and adds GC
 * listeners per registration, so it must not be registered per node.
 */
final class ProcessMetrics {

  private ProcessMetrics() {}

  private static final class Holder {
    static final PrometheusRegistry JVM = new PrometheusRegistry();

    static {
      JvmMetrics.builder().register(JVM);
    }
  }

  /** Collects the process's JVM metrics at each scrape. */
  static MultiCollector collector() {
    PrometheusRegistry jvm = Holder.JVM;
    return new MultiCollector() {
      @Override
      public MetricSnapshots collect() {
        return jvm.scrape();
      }
    };
  }
}
