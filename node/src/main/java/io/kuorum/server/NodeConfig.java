package io.kuorum.server;

import io.kuorum.kv.KvLimits;
import io.kuorum.watch.WatchLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a node needs to start, validated.
 *
 * @param id this node's member id
 * @param clusterId name of the cluster; stored with the data and carried by every peer message
 * @param members the initial voters; a node not among them starts without a configuration and waits to
 *     be added to an existing cluster
 * @param advertisePeer host:port other members reach this node's peer port at
 * @param advertiseClient host:port clients reach this node's client port at
 * @param snapshots when to snapshot and compact the log
 * @param dataDir where the log lives
 * @param clientListen address of the client gRPC port (KV and Admin services)
 * @param peerListen address of the peer gRPC port (Raft service)
 * @param tickMs length of one Raft tick
 * @param electionTicks base election timeout in ticks (randomized up to twice that)
 * @param heartbeatTicks leader heartbeat interval in ticks
 * @param maxPendingProposals requests waiting for commit before new ones get RESOURCE_EXHAUSTED
 * @param watch bounds of the watch history, of each watcher's backlog and of the number of watchers
 * @param metricsListen address of the HTTP port serving Prometheus metrics at {@code /metrics}
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
    KvLimits limits,
    String advertisePeer,
    String advertiseClient,
    SnapshotPolicy snapshots,
    WatchLimits watch,
    HostPort metricsListen) {

  /** Where nodes built without a metrics address serve them (tests): any free loopback port. */
  public static final HostPort ANY_LOOPBACK_PORT = new HostPort("127.0.0.1", 0);

  /** With metrics on any free loopback port. */
  public NodeConfig(long id, String clusterId, List<Member> members, Path dataDir, HostPort clientListen, HostPort peerListen,
      int tickMs, int electionTicks, int heartbeatTicks, int maxPendingProposals, KvLimits limits, String advertisePeer,
      String advertiseClient, SnapshotPolicy snapshots, WatchLimits watch) {
    this(id, clusterId, members, dataDir, clientListen, peerListen, tickMs, electionTicks, heartbeatTicks, maxPendingProposals,
        limits, advertisePeer, advertiseClient, snapshots, watch, ANY_LOOPBACK_PORT);
  }

  /** With the default watch limits, and metrics on any free loopback port. */
  public NodeConfig(long id, String clusterId, List<Member> members, Path dataDir, HostPort clientListen, HostPort peerListen,
      int tickMs, int electionTicks, int heartbeatTicks, int maxPendingProposals, KvLimits limits, String advertisePeer,
      String advertiseClient, SnapshotPolicy snapshots) {
    this(id, clusterId, members, dataDir, clientListen, peerListen, tickMs, electionTicks, heartbeatTicks, maxPendingProposals,
        limits, advertisePeer, advertiseClient, snapshots, WatchLimits.DEFAULT);
  }

  public NodeConfig {
    if (id <= 0) throw new IllegalArgumentException("--id must be a positive member id, got " + id);
    if (clusterId == null || clusterId.isBlank()) throw new IllegalArgumentException("--cluster-id must not be blank");
    members = List.copyOf(members);
    Objects.requireNonNull(watch, "watch");
    Objects.requireNonNull(metricsListen, "metricsListen");
    if (tickMs < 1) throw new IllegalArgumentException("--tick-ms must be >= 1, got " + tickMs);
    if (heartbeatTicks < 1) throw new IllegalArgumentException("--heartbeat-ticks must be >= 1, got " + heartbeatTicks);
    if (electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("--election-ticks (" + electionTicks + ") must be greater than --heartbeat-ticks ("
          + heartbeatTicks + ")");
    }
    if (maxPendingProposals < 1) throw new IllegalArgumentException("max pending proposals must be >= 1");
    Optional<Member> self = members.stream().filter(m -> m.id() == id).findFirst();
    advertisePeer = advertised(advertisePeer, self.map(Member::peerAddress), peerListen, "--advertise-peer");
    advertiseClient = advertised(advertiseClient, self.map(Member::clientAddress), clientListen, "--advertise-client");
  }

  /** Without the flag: this member's address in --members, else the listen address if it names a host. */
  private static String advertised(String given, Optional<String> fromMembers, HostPort listen, String flag) {
    if (given != null && !given.isBlank()) return HostPort.parse(given, flag).toString();
    if (fromMembers.isPresent()) return fromMembers.get();
    if (listen.host().equals("0.0.0.0") || listen.host().equals("::") || listen.host().equals("[::]") || listen.port() == 0) {
      throw new IllegalArgumentException(flag + " must be set: this node is not in --members and listens on " + listen
          + ", which other machines cannot dial");
    }
    return listen.toString();
  }

  /** This node as a member: its id and the addresses it advertises. */
  public Member asMember() {
    return new Member(id, advertisePeer, advertiseClient);
  }

  /** This node's entry in the member list, if it is a member. */
  public Optional<Member> self() {
    return members.stream().filter(m -> m.id() == id).findFirst();
  }

  public Optional<Member> member(long memberId) {
    return members.stream().filter(m -> m.id() == memberId).findFirst();
  }
}
