package io.kuorum.bench;

import io.kuorum.cli.ClusterLeader;
import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.NodeStatus;
import java.util.List;
import java.util.Optional;

/**
 * A Kuorum cluster. Connections are {@link KuorumClient}s with the options {@code kuorumctl} uses
 * when given no {@code --timeout} (5 s deadline per operation, retries included); the leader is found
 * from the members' statuses as {@code kuorumctl bench --target leader} finds it.
 */
final class KuorumCluster implements Cluster {

  private final KuorumClient admin;

  KuorumCluster(List<String> endpoints) {
    this.admin = KuorumClient.connect(endpoints, ClientOptions.defaults());
  }

  @Override
  public String name() {
    return "kuorum";
  }

  @Override
  public Optional<String> leader() {
    return ClusterLeader.find(admin.statusAll()).map(ClusterLeader::address).filter(a -> !a.isEmpty());
  }

  @Override
  public Backend connect(List<String> endpoints) {
    return new KuorumBackend(KuorumClient.connect(endpoints, ClientOptions.defaults()));
  }

  @Override
  public boolean caughtUp(String endpoint) {
    List<NodeStatus> statuses = admin.statusAll();
    Optional<NodeStatus> leader = statuses.stream().filter(NodeStatus::isLeader).findFirst();
    Optional<NodeStatus> member = statuses.stream().filter(s -> s.endpoint().equals(endpoint) && s.reachable()).findFirst();
    return leader.isPresent() && member.isPresent() && member.get().appliedIndex() >= leader.get().commitIndex();
  }

  @Override
  public void close() {
    admin.close();
  }
}
