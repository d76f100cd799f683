package io.kuorum.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kuorum.admin.proto.AddLearnerRequest;
import io.kuorum.admin.proto.ChangeVotersRequest;
import io.kuorum.admin.proto.Member;
import io.kuorum.admin.proto.MemberRole;
import io.kuorum.admin.proto.MembershipResponse;
import io.kuorum.admin.proto.RemoveLearnerRequest;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.admin.proto.TransferLeadershipRequest;
import io.kuorum.admin.proto.TransferLeadershipResponse;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration the fake nodes share, kept by the Admin service contract (admin.proto): only
 * the leader changes it, others redirect with the leader trailers; repeated changes answer
 * "unchanged"; refusals are FAILED_PRECONDITION with a reason. Changes take effect at once; a
 * test can freeze the cluster mid-change ({@link #jointChange}) or hold a learner back ({@link
 * #lagging}).
 */
public final class FakeMembership {
  /** What every change that was made reports as its duration. */
  public static final long CHANGE_MILLIS = 812;
  /** What every transfer reports as its duration. */
  public static final long TRANSFER_MILLIS = 412;
  /** A learner this many entries behind is caught up. */
  public static final long CAUGHT_UP_LAG = 10;
  /** How long a learner added here took to catch up, as the leader reports it. */
  public static final long CATCH_UP_MILLIS = 120;

  private final TreeMap<Long, Member> members = new TreeMap<>();
  private final Map<Long, Long> lag = new HashMap<>();
  private final Set<Long> addedThisTerm = new HashSet<>();
  private final Set<Long> usedIds = new HashSet<>();
  private long leaderId;
  private long term = 3;
  private long lastIndex = 100;
  private boolean joint;
  private long transferringTo;
  private int changes;

  public synchronized FakeMembership voter(long id, String peerAddress, String clientAddress) {
    return put(id, peerAddress, clientAddress, MemberRole.VOTER);
  }

  public synchronized FakeMembership learner(long id, String peerAddress, String clientAddress) {
    return put(id, peerAddress, clientAddress, MemberRole.LEARNER);
  }

  public synchronized FakeMembership leader(long id) {
    leaderId = id;
    return this;
  }

  /** Member {@code id} is {@code entries} behind the leader. */
  public synchronized FakeMembership lagging(long id, long entries) {
    lag.put(id, entries);
    return this;
  }

  /** Freezes the cluster between the current voters and {@code newVoters}. */
  public synchronized FakeMembership jointChange(Set<Long> newVoters) {
    joint = true;
    for (Member m : List.copyOf(members.values())) {
      boolean incoming = newVoters.contains(m.getId());
      if (m.getRole() == MemberRole.VOTER && !incoming) {
        members.put(m.getId(), m.toBuilder().setRole(MemberRole.OUTGOING_VOTER).build());
      } else if (m.getRole() == MemberRole.LEARNER && incoming) {
        members.put(m.getId(), m.toBuilder().setRole(MemberRole.VOTER).build());
      }
    }
    return this;
  }

  public synchronized FakeMembership transferInProgress(long to) {
    transferringTo = to;
    return this;
  }

  public synchronized long leaderId() {
    return leaderId;
  }

  public synchronized Set<Long> voters() {
    return idsOf(MemberRole.VOTER);
  }

  public synchronized Set<Long> learners() {
    return idsOf(MemberRole.LEARNER);
  }

  /** How many changes were made (not counting unchanged answers and refusals). */
  public synchronized int changes() {
    return changes;
  }

  /** The status node {@code nodeId} reports; progress only in the leader's. */
  public synchronized StatusResponse status(long nodeId) {
    boolean leads = nodeId == leaderId;
    var response =
        StatusResponse.newBuilder()
            .setId(nodeId)
            .setClusterId("fake")
            .setRole(leads ? "leader" : "follower")
            .setTerm(term)
            .setLeaderId(leaderId)
            .setLeaderClientAddress(clientAddressOf(leaderId))
            .setCommitIndex(lastIndex)
            .setAppliedIndex(lastIndex)
            .setLastIndex(lastIndex)
            .setVersion("fake")
            .setJoint(joint)
            .setTransferringTo(leads ? transferringTo : 0);
    for (Member m : members.values()) {
      response.addMembers(leads && m.getId() != nodeId ? withProgress(m) : m);
    }
    return response.build();
  }

  synchronized MembershipResponse addLearner(long nodeId, AddLearnerRequest request) {
    requireLeader(nodeId);
    long id = request.getId();
    if (id == 0 || !request.getPeerAddress().contains(":")) {
      throw refusal(Status.INVALID_ARGUMENT, "a learner needs a positive id and a host:port");
    }
    Member existing = members.get(id);
    if (existing != null && existing.getRole() == MemberRole.LEARNER) {
      return unchanged("node " + id + " already is a learner");
    }
    requireNoChangeInFlight();
    if (existing != null) {
      throw refusal(Status.FAILED_PRECONDITION, "node " + id + " already is a voter");
    }
    if (usedIds.contains(id)) {
      throw refusal(Status.FAILED_PRECONDITION, "member id " + id + " was used before");
    }
    String client =
        request.getClientAddress().isEmpty()
            ? request.getPeerAddress().replaceAll(":\\d+$", ":7379")
            : request.getClientAddress();
    put(id, request.getPeerAddress(), client, MemberRole.LEARNER);
    addedThisTerm.add(id);
    return changed(1);
  }

  synchronized MembershipResponse removeLearner(long nodeId, RemoveLearnerRequest request) {
    requireLeader(nodeId);
    long id = request.getId();
    Member existing = members.get(id);
    if (existing == null) {
      return unchanged("node " + id + " is not a member");
    }
    requireNoChangeInFlight();
    if (existing.getRole() != MemberRole.LEARNER) {
      throw refusal(
          Status.FAILED_PRECONDITION,
          "node " + id + " is a voter: leave it out of ChangeVoters to remove it");
    }
    members.remove(id);
    return changed(1);
  }

  synchronized MembershipResponse changeVoters(long nodeId, ChangeVotersRequest request) {
    requireLeader(nodeId);
    Set<Long> wanted = new TreeSet<>(request.getVotersList());
    if (wanted.isEmpty() || wanted.contains(0L)) {
      throw refusal(Status.INVALID_ARGUMENT, "the voter set must be non-empty positive ids");
    }
    if (wanted.equals(voters()) && !joint) {
      return unchanged("the voters already are " + List.copyOf(wanted));
    }
    requireNoChangeInFlight();
    for (long id : wanted) {
      Member m = members.get(id);
      if (m == null) {
        throw refusal(
            Status.FAILED_PRECONDITION, "node " + id + " is not a learner: add it as one first");
      }
      if (m.getRole() == MemberRole.LEARNER && lagOf(id) > CAUGHT_UP_LAG) {
        throw refusal(
            Status.FAILED_PRECONDITION,
            "learner " + id + " is not caught up (" + lagOf(id) + " entries behind)");
      }
    }
    for (Member m : List.copyOf(members.values())) {
      if (wanted.contains(m.getId())) {
        members.put(m.getId(), m.toBuilder().setRole(MemberRole.VOTER).build());
      } else if (m.getRole() == MemberRole.VOTER) {
        members.remove(m.getId());
      }
    }
    if (!wanted.contains(leaderId)) {
      // A leader outside C_new steps down once C_new commits.
      leaderId = wanted.iterator().next();
      term++;
    }
    // C_old,new and then C_new.
    return changed(2);
  }

  synchronized TransferLeadershipResponse transferLeadership(
      long nodeId, TransferLeadershipRequest request) {
    requireLeader(nodeId);
    long target = request.getTargetId();
    if (target == 0) {
      target =
          voters().stream()
              .filter(id -> id != leaderId)
              .min(Comparator.comparingLong(this::lagOf).thenComparingLong(id -> id))
              .orElseThrow(() -> refusal(Status.FAILED_PRECONDITION, "no other voter to lead"));
    }
    var response = TransferLeadershipResponse.newBuilder().setLeaderId(target);
    if (target == leaderId) {
      return response.setMessage("node " + target + " already leads").build();
    }
    if (!voters().contains(target)) {
      throw refusal(Status.FAILED_PRECONDITION, "node " + target + " is not a voter");
    }
    String message = "leadership moved from node " + leaderId + " to node " + target;
    leaderId = target;
    term++;
    addedThisTerm.clear();
    return response.setMessage(message).setDurationMillis(TRANSFER_MILLIS).build();
  }

  private FakeMembership put(long id, String peerAddress, String clientAddress, MemberRole role) {
    usedIds.add(id);
    members.put(
        id,
        Member.newBuilder()
            .setId(id)
            .setPeerAddress(peerAddress)
            .setClientAddress(clientAddress)
            .setRole(role)
            .build());
    return this;
  }

  private Member withProgress(Member m) {
    long behind = lagOf(m.getId());
    var progress =
        m.toBuilder()
            .setMatchIndex(lastIndex - behind)
            .setLag(behind)
            .setCaughtUp(behind <= CAUGHT_UP_LAG);
    if (addedThisTerm.contains(m.getId()) && behind <= CAUGHT_UP_LAG) {
      progress.setCatchUpMillis(CATCH_UP_MILLIS);
    }
    return progress.build();
  }

  private long lagOf(long id) {
    return lag.getOrDefault(id, 0L);
  }

  private Set<Long> idsOf(MemberRole role) {
    var ids = new TreeSet<Long>();
    members.values().stream().filter(m -> m.getRole() == role).forEach(m -> ids.add(m.getId()));
    return ids;
  }

  private String clientAddressOf(long id) {
    Member m = members.get(id);
    return m == null ? "" : m.getClientAddress();
  }

  private void requireLeader(long nodeId) {
    if (nodeId != leaderId) {
      var trailers = new Metadata();
      trailers.put(Trailers.LEADER_ID, Long.toString(leaderId));
      trailers.put(Trailers.LEADER_ADDRESS, clientAddressOf(leaderId));
      throw Status.FAILED_PRECONDITION
          .withDescription("node " + nodeId + " is not the leader; node " + leaderId + " is")
          .asRuntimeException(trailers);
    }
  }

  private void requireNoChangeInFlight() {
    if (joint) {
      throw refusal(
          Status.FAILED_PRECONDITION,
          "another membership change is in flight; wait for it to complete");
    }
  }

  private MembershipResponse unchanged(String message) {
    return MembershipResponse.newBuilder()
        .setChanged(false)
        .setMessage(message)
        .addAllMembers(members.values())
        .setDurationMillis(0)
        .build();
  }

  private MembershipResponse changed(int entries) {
    lastIndex += entries;
    changes++;
    return MembershipResponse.newBuilder()
        .setChanged(true)
        .setMessage("done")
        .setIndex(lastIndex)
        .addAllMembers(members.values())
        .setDurationMillis(CHANGE_MILLIS)
        .build();
  }

  private static StatusRuntimeException refusal(Status status, String message) {
    return status.withDescription(message).asRuntimeException();
  }
}
