package io.kuorum.bench.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import io.kuorum.bench.Backend;
import io.kuorum.bench.Cluster;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * An etcd cluster. The leader is what the members' status says ({@code etcdctl endpoint status}), its
 * client endpoint from the member list. Before each run the key-value history is compacted up to the
 * current revision: etcd keeps every revision until compacted (3.4 has auto-compaction off by default),
 * and the comparison writes millions of them, which would otherwise grow its database towards the
 * 2 GB quota and its alarm. Compaction is left out of what is measured.
 */
final class EtcdCluster implements Cluster {

  private final Client admin;
  private final List<String> endpoints;

  EtcdCluster(List<String> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.admin = client(endpoints);
  }

  static Client client(List<String> endpoints) {
    return Client.builder().endpoints(endpoints.stream().map(e -> "http://" + e).toArray(String[]::new)).build();
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public Optional<String> leader() {
    for (String endpoint : endpoints) {
      long leader;
      try {
        leader = status(endpoint).getLeader();
      } catch (RuntimeException e) {
        continue; // down: ask the next
      }
      if (leader == 0) continue;
      for (Member m : EtcdBackend.await(admin.getClusterClient().listMember()).getMembers()) {
        if (m.getId() == leader && !m.getClientURIs().isEmpty()) {
          URI uri = m.getClientURIs().get(0);
          return Optional.of(uri.getHost() + ":" + uri.getPort());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Backend connect(List<String> endpoints) {
    return new EtcdBackend(client(endpoints));
  }

  @Override
  public boolean caughtUp(String endpoint) {
    Optional<String> leader = leader();
    if (leader.isEmpty()) return false;
    StatusResponse member = status(endpoint);
    return member.getLeader() != 0 && member.getRaftIndex() >= status(leader.get()).getRaftIndex();
  }

  @Override
  public void prepare() {
    long revision = EtcdBackend.await(admin.getKVClient().get(ByteSequence.from(new byte[] {0}),
        GetOption.builder().withCountOnly(true).build())).getHeader().getRevision();
    try {
      EtcdBackend.await(admin.getKVClient().compact(revision));
    } catch (RuntimeException e) {
      // nothing written since the last compaction: "required revision has been compacted"
      if (!String.valueOf(e.getMessage()).contains("compacted")) throw e;
    }
  }

  private StatusResponse status(String endpoint) {
    return EtcdBackend.await(admin.getMaintenanceClient().statusMember(endpoint));
  }

  @Override
  public void close() {
    admin.close();
  }
}
