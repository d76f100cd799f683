package io.kuorum.bench;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.ReadConsistency;

/**
 * A Kuorum connection: one {@link KuorumClient}, used as {@code kuorumctl bench put|get} uses it. Its
 * puts are session writes (exactly once: a retried put is applied once), retried by the client within
 * its deadline, and follow the leader.
 */
final class KuorumBackend implements Backend {

  private final KuorumClient client;

  KuorumBackend(KuorumClient client) {
    this.client = client;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    client.put(key, value);
  }

  @Override
  public void get(byte[] key, ReadLevel level) {
    client.get(key, level == ReadLevel.SERIALIZABLE ? ReadConsistency.SERIALIZABLE : ReadConsistency.LINEARIZABLE);
  }

  @Override
  public void close() {
    client.close();
  }
}
