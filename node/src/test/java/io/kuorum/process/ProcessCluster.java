package io.kuorum.process;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.MemberRole;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.client.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** A cluster of {@link NodeProcess}es on loopback, with status probes over the Admin service. */
final class ProcessCluster implements AutoCloseable {

  /** Fast timers keep failover tests short: 20 ms ticks, elections after 200–400 ms. */
  static final List<String> FAST_TIMERS = List.of("--tick-ms", "20", "--election-ticks", "10", "--heartbeat-ticks", "2");

  final List<NodeProcess> nodes = new ArrayList<>();
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final String bootstrapMembers;
  private int joiners;
  private final List<String> extraArgs;

  ProcessCluster(int size, Path dir, List<String> extraArgs) {
    List<Integer> ports = freePorts(2 * size);
    for (int i = 0; i < size; i++) {
      long id = i + 1;
      nodes.add(new NodeProcess(id, ports.get(2 * i), ports.get(2 * i + 1), dir.resolve("node-" + id),
          dir.resolve("node-" + id + ".log"), extraArgs));
    }
    String members = nodes.stream().map(NodeProcess::memberSpec).collect(Collectors.joining(","));
    nodes.forEach(n -> n.members(members));
    this.bootstrapMembers = members;
    this.extraArgs = List.copyOf(extraArgs);
  }

  ProcessCluster startAll() {
    nodes.forEach(NodeProcess::start);
    return this;
  }

  static ProcessCluster start(int size, Path dir) {
    ProcessCluster c = new ProcessCluster(size, dir, FAST_TIMERS);
    c.nodes.forEach(NodeProcess::start);
    return c;
  }

  static List<Integer> freePorts(int n) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) ports.add(LoopbackPorts.free());
    return ports;
  }


  List<String> endpoints() {
    return nodes.stream().map(NodeProcess::endpoint).toList();
  }

  NodeProcess node(long id) {
    return nodes.stream().filter(n -> n.id == id).findFirst().orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  /**
   * Starts a node that joins this cluster: no --id (it generates one) and --members naming the
   * bootstrap members, so it is not among them and waits to be added. Returns once its id is known.
   */
  NodeProcess startJoiner(Path dir) {
    List<Integer> ports = freePorts(2);
    int n = ++joiners;
    NodeProcess joiner = new NodeProcess(0, ports.get(0), ports.get(1), dir.resolve("joiner-" + n), dir.resolve("joiner-" + n + ".log"),
        extraArgs);
    joiner.members(bootstrapMembers);
    nodes.add(joiner);
    joiner.start();
    joiner.awaitId(Duration.ofSeconds(30));
    await("joining node " + joiner.id + " to serve", Duration.ofSeconds(30), () -> status(joiner).isPresent());
    return joiner;
  }

  /** Stops a node that is no longer a member and forgets it (its endpoint is no longer offered to clients). */
  void retire(NodeProcess n) {
    if (n.isAlive()) n.terminate();
    nodes.remove(n);
  }

  /** The node's own view, or empty if it does not answer within half a second. */
  Optional<StatusResponse> status(NodeProcess n) {
    if (!n.isAlive()) return Optional.empty();
    ManagedChannel ch = channels.computeIfAbsent(n.endpoint(), e -> NettyChannelBuilder.forTarget(e).usePlaintext().build());
    try {
      return Optional.of(AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(500, TimeUnit.MILLISECONDS)
          .status(StatusRequest.getDefaultInstance()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Waits for a condition; on timeout the failure carries the tail of every node's log. */
  void await(String what, Duration within, Callable<Boolean> condition) {
    try {
      Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(20)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + within + " waiting for " + what + logs(), e);
    }
  }

  /** The node that says it leads and that a majority of its voters follow, once there is one. */
  NodeProcess awaitLeader(Duration within) {
    NodeProcess[] found = new NodeProcess[1];
    await("a leader followed by a majority", within, () -> {
      for (NodeProcess n : nodes) {
        Optional<StatusResponse> s = status(n);
        if (s.isPresent() && s.get().getRole().equals("leader")) {
          Set<Long> voters = voters(s.get());
          long followers = nodes.stream().filter(o -> voters.contains(o.id)).map(this::status).flatMap(Optional::stream)
              .filter(o -> o.getLeaderId() == n.id && o.getTerm() == s.get().getTerm()).count();
          if (followers > voters.size() / 2) {
            found[0] = n;
            return true;
          }
        }
      }
      return false;
    });
    return found[0];
  }

  /** The voters (of C_new, during a joint change) in a node's status. */
  static Set<Long> voters(StatusResponse s) {
    return s.getMembersList().stream().filter(m -> m.getRole() == MemberRole.VOTER).map(io.kuorum.admin.proto.Member::getId)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Waits until {@code n} has applied everything the leader had committed when this was called. */
  void awaitCaughtUp(NodeProcess n, Duration within) {
    NodeProcess leader = awaitLeader(within);
    long target = status(leader).map(StatusResponse::getCommitIndex).orElse(0L);
    await("node " + n.id + " to apply index " + target, within,
        () -> status(n).map(s -> s.getAppliedIndex() >= target).orElse(false));
  }

  String logs() {
    StringBuilder sb = new StringBuilder();
    for (NodeProcess n : nodes) sb.append("\n==== node ").append(n.id).append(" ====\n").append(n.logTail(40));
    return sb.toString();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (NodeProcess n : nodes) {
      if (n.isAlive()) {
        n.resume();
        n.kill();
      }
    }
  }
}
