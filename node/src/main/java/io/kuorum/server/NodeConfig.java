package io.kuorum.server;

import io.kuorum.kv.KvLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a node needs to start, validated.
 *
 * @param id this node's member id
 * @param clusterId name of the cluster; stored with the data and carried by every peer message
 * @param members the initial voters (empty: the node waits to be added to a cluster)
 * @param dataDir where the log lives
 * @param clientListen address of the client gRPC port (KV and Admin services)
 * @param peerListen address of the peer gRPC port (Raft service)
 * @param tickMs length of one Raft tick
 * @param electionTicks base election timeout in ticks (randomized up to twice that)
 * @param heartbeatTicks leader heartbeat interval in ticks
 * @param maxPendingProposals requests waiting for commit before new ones get RESOURCE_EXHAUSTED
 */
public record NodeConfig(
    long id,
    String clusterId,
    List<Member> members,
    Path dataDir,
    HostPort clientListen,
    HostPort peerListen,
    int tickMs,
    int electionTicks,
    int heartbeatTicks,
    int maxPendingProposals,
    KvLimits limits) {

  public NodeConfig {
    if (id <= 0) throw new IllegalArgumentException("--id must be a positive member id, got " + id);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("--cluster-id must not be blank");
    members = List.copyOf(members);
    if (tickMs < 1) throw new IllegalArgumentException("--tick-ms must be >= 1, got " + tickMs);
    if (heartbeatTicks < 1) throw new IllegalArgumentException("--heartbeat-ticks must be >= 1, got " + heartbeatTicks);
    if (electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("--election-ticks (" + electionTicks + ") must be greater than --heartbeat-ticks ("
          + heartbeatTicks + ")");
    }
    if (maxPendingProposals < 1) throw new IllegalArgumentException("max pending proposals must be >= 1");
  }

  /** This node's entry in the member list, if it is a member. */
  public Optional<Member> self() {
    return members.stream().filter(m -> m.id() == id).findFirst();
  }

  public Optional<Member> member(long memberId) {
    return members.stream().filter(m -> m.id() == memberId).findFirst();
  }
}
