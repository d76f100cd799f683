package io.kuorum.client;

import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.kuorum.admin.proto.AddLearnerRequest;
import io.kuorum.admin.proto.AdminServiceGrpc;
import io.kuorum.admin.proto.ChangeVotersRequest;
import io.kuorum.admin.proto.RemoveLearnerRequest;
import io.kuorum.admin.proto.StatusRequest;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.admin.proto.TransferLeadershipRequest;
import io.kuorum.kv.proto.CompareAndSetRequest;
import io.kuorum.kv.proto.CompareAndSetResponse;
import io.kuorum.kv.proto.DeleteRequest;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.GetResponse;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.kv.proto.RangeResponse;
import io.kuorum.kv.proto.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client of a Kuorum cluster. Give it any endpoints of the cluster: it finds the leader and
 * follows it when leadership moves. Thread-safe; one instance is meant to be shared.
 *
 * <p>Failures: reads are retried until the deadline. Writes are exactly-once: they carry the client's
 * session (Raft dissertation §6.3), so they too are retried until the deadline, across leader changes,
 * and the cluster applies each at most once; a write ends in {@link OutcomeUnknownException} only
 * when an attempt may have been applied and no retry got its answer before the deadline (or before
 * the cluster forgot an idle session, see {@link ClientOptions#sessionTtl()}). When no leader
 * answers within the deadline an operation ends in {@link KuorumUnavailableException}; a request
 * the server refuses (bad input, overload) ends in {@link KuorumException} with its message.
 *
 * <p>Membership changes and leadership transfers go to the leader like writes and fail like
 * writes, with {@link ClientOptions#membershipDeadline()} as their deadline; a change the leader
 * refuses (another change in flight, a learner not caught up) ends in {@link KuorumException} with
 * code {@code FAILED_PRECONDITION} and the leader's reason. Repeating a change that already holds
 * is harmless: it answers with {@link MembershipResult#changed()} false.
 */
public final class KuorumClient implements AutoCloseable {
  /** A backup moves the whole state: it gets longer than an ordinary operation. */
  public static final Duration DEFAULT_SNAPSHOT_TIMEOUT = Duration.ofMinutes(5);

  private final ClientOptions options;
  private final ChannelPool channels;
  private final LeaderRouter router;
  private final RetryingCaller caller;
  private final ClientSession session;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  /** Reconnect pauses and silence checks of watches; made on the first watch. */
  private ScheduledExecutorService watchTimers;
  private boolean closed;

  private KuorumClient(List<String> endpoints, ClientOptions options, ChannelFactory factory) {
    this.options = options;
    this.channels = new ChannelPool(factory);
    this.router = new LeaderRouter(Endpoints.validate(endpoints));
    this.caller = new RetryingCaller(channels, router, options);
    this.session = new ClientSession(caller, (int) options.sessionTtl().toSeconds());
    // Build the channels now (they connect lazily): the first build loads Netty, which takes
    // about half a second that should not come out of the first operation's deadline.
    router.endpoints().forEach(channels::channel);
  }

  /**
   * A client for the cluster behind {@code endpoints} ({@code host:port} client addresses).
   * Channels are built here but connect on first use, so this does not fail when the cluster is
   * down.
   */
  public static KuorumClient connect(List<String> endpoints, ClientOptions options) {
    Objects.requireNonNull(options, "options");
    return new KuorumClient(endpoints, options, new NettyChannelFactory(options.connectTimeout()));
  }

  /** {@link #connect(List, ClientOptions)} with {@link ClientOptions#defaults()}. */
  public static KuorumClient connect(List<String> endpoints) {
    return connect(endpoints, ClientOptions.defaults());
  }

  /** For tests: channels from {@code factory} (in-process ones, say). */
  static KuorumClient connect(
      List<String> endpoints, ClientOptions options, ChannelFactory factory) {
    return new KuorumClient(endpoints, options, factory);
  }

  /** Endpoints this client was given. */
  public List<String> endpoints() {
    return router.endpoints();
  }

  public ClientOptions options() {
    return options;
  }

  /** Sets {@code key} to {@code value}; returns the revision at which it was applied. */
  public long put(byte[] key, byte[] value) {
    var request = PutRequest.newBuilder().setKey(Protos.bytes(key)).setValue(Protos.bytes(value));
    return write(KvServiceGrpc.getPutMethod(), s -> request.clone().setSession(s).build()).getRevision();
  }

  public long put(String key, String value) {
    return put(utf8(key), utf8(value));
  }

  /** The key's value and revision, or empty when the key is absent; linearizable. */
  public Optional<KeyValue> get(byte[] key) {
    return get(key, ReadConsistency.LINEARIZABLE);
  }

  /** The key's value and revision, or empty when the key is absent, as fresh as {@code consistency} asks. */
  public Optional<KeyValue> get(byte[] key, ReadConsistency consistency) {
    var request = GetRequest.newBuilder().setKey(Protos.bytes(key)).setConsistency(Protos.consistency(consistency)).build();
    GetResponse response = caller.call(KvServiceGrpc.getGetMethod(), request, OpKind.READ);
    return response.getFound() ? Optional.of(Protos.keyValue(response.getKv())) : Optional.empty();
  }

  public Optional<KeyValue> get(String key) {
    return get(utf8(key));
  }

  public Optional<KeyValue> get(String key, ReadConsistency consistency) {
    return get(utf8(key), consistency);
  }

  /** Deletes the key; returns whether it was present. */
  public boolean delete(byte[] key) {
    var request = DeleteRequest.newBuilder().setKey(Protos.bytes(key));
    return write(KvServiceGrpc.getDeleteMethod(), s -> request.clone().setSession(s).build()).getDeleted();
  }

  public boolean delete(String key) {
    return delete(utf8(key));
  }

  /**
   * Sets {@code key} to {@code newValue} if it currently holds {@code expected}, or, when {@code
   * expected} is empty, if it is currently absent.
   */
  public CasResult compareAndSet(byte[] key, Optional<byte[]> expected, byte[] newValue) {
    var request =
        CompareAndSetRequest.newBuilder()
            .setKey(Protos.bytes(key))
            .setExpectPresent(expected.isPresent())
            .setExpectedValue(Protos.bytes(expected.orElse(new byte[0])))
            .setNewValue(Protos.bytes(newValue));
    CompareAndSetResponse response =
        write(KvServiceGrpc.getCompareAndSetMethod(), s -> request.clone().setSession(s).build());
    Optional<byte[]> previous =
        response.getWasPresent()
            ? Optional.of(response.getPreviousValue().toByteArray())
            : Optional.empty();
    return new CasResult(response.getSucceeded(), previous, response.getRevision());
  }

  public CasResult compareAndSet(String key, Optional<String> expected, String newValue) {
    return compareAndSet(utf8(key), expected.map(KuorumClient::utf8), utf8(newValue));
  }

  /**
   * Keys starting with {@code prefix} (all keys when empty), in byte order, at most {@code limit}
   * of them ({@code 0}: as many as the server allows).
   */
  public RangeResult range(byte[] prefix, int limit) {
    return range(prefix, limit, ReadConsistency.LINEARIZABLE);
  }

  /** Like {@link #range(byte[], int)}, as fresh as {@code consistency} asks. */
  public RangeResult range(byte[] prefix, int limit, ReadConsistency consistency) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (server maximum) or more, was " + limit);
    }
    var request = RangeRequest.newBuilder().setPrefix(Protos.bytes(prefix)).setLimit(limit)
        .setConsistency(Protos.consistency(consistency)).build();
    RangeResponse response = caller.call(KvServiceGrpc.getRangeMethod(), request, OpKind.READ);
    return new RangeResult(
        response.getKvsList().stream().map(Protos::keyValue).toList(),
        response.getMore(),
        response.getRevision());
  }

  public RangeResult range(String prefix, int limit) {
    return range(utf8(prefix), limit);
  }

  public RangeResult range(String prefix, int limit, ReadConsistency consistency) {
    return range(utf8(prefix), limit, consistency);
  }

  private <Req, Resp> Resp write(MethodDescriptor<Req, Resp> method, Function<Session, Req> build) {
    long nanos = options.deadline().toNanos();
    return session.write(method, build, Deadline.after(nanos, TimeUnit.NANOSECONDS));
  }

  /**
   * Watches {@code target}: {@code listener} gets every change to it from {@code fromRevision}
   * (inclusive; a revision is the log index that applied the change), or with 0 every change applied
   * after the watch started, in revision order, until the returned watch is closed. Any member serves
   * it; when a stream breaks (the member died, paused, fell behind or shut down) the watch resumes at
   * another member from one past the last revision it delivered, so no change is lost or repeated. It
   * ends by itself only with {@link WatchListener#onError}: {@code OUT_OF_RANGE} when no member still
   * holds the changes from where it must resume (read the state with {@link #range}, then watch from
   * its revision + 1), {@code INVALID_ARGUMENT} for a bad request.
   *
   * @throws IllegalArgumentException for a negative revision, before anything is sent
   */
  public Watch watch(WatchTarget target, long fromRevision, WatchListener listener) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(listener, "listener");
    if (fromRevision < 0) {
      throw new IllegalArgumentException("fromRevision must be 0 (from now) or a revision, was " + fromRevision);
    }
    ResumingWatch watch;
    synchronized (this) {
      if (closed) throw new IllegalStateException("the Kuorum client is closed");
      if (watchTimers == null) {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
          Thread t = new Thread(r, "kuorum-client-watch");
          t.setDaemon(true);
          return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        watchTimers = timers;
      }
      watch = new ResumingWatch(channels, router.endpoints(), router.preferred(), target, fromRevision, listener, options,
          watchTimers, watches::remove);
      watches.add(watch);
    }
    watch.start();
    return watch;
  }

  /** {@link #watch(WatchTarget, long, WatchListener)} of the changes applied after it starts. */
  public Watch watch(WatchTarget target, WatchListener listener) {
    return watch(target, 0, listener);
  }

  /**
   * Adds member {@code id} as a learner: it receives the log but neither votes nor counts. Returns
   * once the configuration entry is committed.
   *
   * @param id a positive id the cluster has never used
   * @param peerAddress host:port of the member's peer (Raft) port
   * @param clientAddress host:port of the member's client port, or empty for the server's default
   *     (the peer host with the default client port)
   * @throws IllegalArgumentException for a non-positive id or an address that is not host:port,
   *     before anything is sent
   */
  public MembershipResult addLearner(long id, String peerAddress, String clientAddress) {
    requireMemberId(id);
    String peer = Endpoints.validate(peerAddress, "peer address", "10.0.0.4:7380");
    String client =
        clientAddress.isBlank()
            ? ""
            : Endpoints.validate(clientAddress, "client address", "10.0.0.4:7379");
    var request =
        AddLearnerRequest.newBuilder()
            .setId(id)
            .setPeerAddress(peer)
            .setClientAddress(client)
            .build();
    return Protos.membershipResult(
        caller.call(AdminServiceGrpc.getAddLearnerMethod(), request, OpKind.MEMBERSHIP));
  }

  /** Removes learner {@code id}; returns once the configuration entry is committed. */
  public MembershipResult removeLearner(long id) {
    requireMemberId(id);
    var request = RemoveLearnerRequest.newBuilder().setId(id).build();
    return Protos.membershipResult(
        caller.call(AdminServiceGrpc.getRemoveLearnerMethod(), request, OpKind.MEMBERSHIP));
  }

  /**
   * Makes {@code voters} the exact voter set in one joint transition; every new voter must be a
   * caught-up learner. Returns once the new configuration is committed.
   *
   * @throws IllegalArgumentException for an empty set or a non-positive id, before anything is sent
   */
  public MembershipResult changeVoters(Set<Long> voters) {
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("the voter set must not be empty");
    }
    voters.forEach(KuorumClient::requireMemberId);
    // Sorted, so that the same set always makes the same request.
    var request = ChangeVotersRequest.newBuilder().addAllVoters(voters.stream().sorted().toList());
    return Protos.membershipResult(
        caller.call(
            AdminServiceGrpc.getChangeVotersMethod(), request.build(), OpKind.MEMBERSHIP));
  }

  /**
   * Hands leadership to voter {@code targetId}, or with 0 to the most up-to-date voter. Returns
   * once the new leader is known.
   */
  public TransferResult transferLeadership(long targetId) {
    if (targetId < 0) {
      throw new IllegalArgumentException(
          "target id must be a member id, or 0 for the most up-to-date voter; was " + targetId);
    }
    var request = TransferLeadershipRequest.newBuilder().setTargetId(targetId).build();
    return Protos.transferResult(
        caller.call(AdminServiceGrpc.getTransferLeadershipMethod(), request, OpKind.MEMBERSHIP));
  }

  /**
   * Saves a consistent backup of the cluster to {@code file}: a snapshot the leader takes once it has
   * applied every write acknowledged before this call. Written to {@code FILE.part}, fsynced, verified
   * (checksum and structure), then renamed to {@code file}, so {@code file} is either a complete valid
   * snapshot or not there. Restore it with {@code kuorum restore}.
   *
   * @param replace whether an existing {@code file} may be replaced (atomically, once the new one verified)
   * @param timeout the whole operation's deadline: leader discovery, the snapshot and the transfer
   * @throws IllegalArgumentException if {@code file} exists and {@code replace} is false, before anything is sent
   * @throws KuorumException with {@code DATA_LOSS} if what arrived does not verify (nothing is saved)
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  public SavedSnapshot saveSnapshot(Path file, boolean replace, Duration timeout) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    return new SnapshotDownload(channels, router, options).save(file, replace, timeout);
  }

  /** {@link #saveSnapshot(Path, boolean, Duration)} to a new file, within {@link #DEFAULT_SNAPSHOT_TIMEOUT}. */
  public SavedSnapshot saveSnapshot(Path file) {
    return saveSnapshot(file, false, DEFAULT_SNAPSHOT_TIMEOUT);
  }

  /**
   * What the node at {@code endpoint} reports about itself. Never throws for an unreachable node:
   * the status then carries the error. One attempt, bounded by the deadline.
   */
  public NodeStatus status(String endpoint) {
    try {
      return awaitStatus(endpoint, requestStatus(endpoint));
    } catch (IllegalArgumentException e) {
      return NodeStatus.unreachable(endpoint, e.getMessage());
    }
  }

  /** {@link #status(String)} of every endpoint, asked in parallel, in endpoint order. */
  public List<NodeStatus> statusAll() {
    List<String> endpoints = router.endpoints();
    List<Future<StatusResponse>> pending = new ArrayList<>();
    for (String endpoint : endpoints) {
      pending.add(requestStatus(endpoint));
    }
    List<NodeStatus> statuses = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      statuses.add(awaitStatus(endpoints.get(i), pending.get(i)));
    }
    return List.copyOf(statuses);
  }

  private Future<StatusResponse> requestStatus(String endpoint) {
    CallOptions callOptions =
        CallOptions.DEFAULT.withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    return ClientCalls.futureUnaryCall(
        channels.channel(Endpoints.validate(endpoint)).newCall(
            AdminServiceGrpc.getStatusMethod(), callOptions),
        StatusRequest.getDefaultInstance());
  }

  private static NodeStatus awaitStatus(String endpoint, Future<StatusResponse> pending) {
    try {
      return Protos.nodeStatus(endpoint, pending.get());
    } catch (ExecutionException e) {
      String error =
          e.getCause() instanceof StatusRuntimeException sre
              ? Failure.describe(sre.getStatus())
              : String.valueOf(e.getCause());
      return NodeStatus.unreachable(endpoint, error);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.cancel(true);
      return NodeStatus.unreachable(endpoint, "interrupted");
    }
  }

  /** Closes every channel; calls still in flight get a moment to finish, then are cancelled. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (watchTimers != null) watchTimers.shutdownNow();
    }
    List.copyOf(watches).forEach(Watch::close);
    channels.close();
  }

  private static void requireMemberId(long id) {
    if (id <= 0) {
      throw new IllegalArgumentException("a member id must be positive, was " + id);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
