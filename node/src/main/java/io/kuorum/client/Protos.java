package io.kuorum.client;

import com.google.protobuf.ByteString;
import io.kuorum.admin.proto.Member;
import io.kuorum.admin.proto.MembershipResponse;
import io.kuorum.admin.proto.StatusResponse;
import io.kuorum.admin.proto.TransferLeadershipResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Converts between the wire messages and the client's records. */
final class Protos {
  private Protos() {}

  static ByteString bytes(byte[] value) {
    return ByteString.copyFrom(value);
  }

  static io.kuorum.kv.proto.Consistency consistency(ReadConsistency c) {
    return switch (c) {
      case LINEARIZABLE -> io.kuorum.kv.proto.Consistency.LINEARIZABLE;
      case SERIALIZABLE -> io.kuorum.kv.proto.Consistency.SERIALIZABLE;
      case LEASE -> io.kuorum.kv.proto.Consistency.LEASE;
    };
  }

  static KeyValue keyValue(io.kuorum.kv.proto.KeyValue kv) {
    return new KeyValue(kv.getKey().toByteArray(), kv.getValue().toByteArray(), kv.getRevision());
  }

  static NodeStatus nodeStatus(String endpoint, StatusResponse response) {
    return new NodeStatus(
        endpoint,
        response.getId(),
        response.getClusterId(),
        response.getRole(),
        response.getTerm(),
        response.getLeaderId(),
        response.getLeaderClientAddress(),
        response.getCommitIndex(),
        response.getAppliedIndex(),
        response.getLastIndex(),
        members(response.getMembersList()),
        response.getJoint(),
        response.getTransferringTo() == 0
            ? OptionalLong.empty()
            : OptionalLong.of(response.getTransferringTo()),
        response.getVersion(),
        Optional.empty());
  }

  static MembershipResult membershipResult(MembershipResponse response) {
    return new MembershipResult(
        response.getChanged(),
        response.getMessage(),
        response.getIndex(),
        members(response.getMembersList()),
        Duration.ofMillis(response.getDurationMillis()));
  }

  static TransferResult transferResult(TransferLeadershipResponse response) {
    return new TransferResult(
        response.getLeaderId(),
        response.getMessage(),
        Duration.ofMillis(response.getDurationMillis()));
  }

  private static List<ClusterMember> members(List<Member> members) {
    return members.stream().map(Protos::member).toList();
  }

  // The progress fields are proto3 optionals: absent means "not known here", which differs from 0.
  private static ClusterMember member(Member m) {
    return new ClusterMember(
        m.getId(),
        m.getPeerAddress(),
        m.getClientAddress(),
        role(m),
        m.hasMatchIndex() ? OptionalLong.of(m.getMatchIndex()) : OptionalLong.empty(),
        m.hasLag() ? OptionalLong.of(m.getLag()) : OptionalLong.empty(),
        m.hasCaughtUp() ? Optional.of(m.getCaughtUp()) : Optional.empty(),
        m.hasCatchUpMillis()
            ? Optional.of(Duration.ofMillis(m.getCatchUpMillis()))
            : Optional.empty());
  }

  private static MemberRole role(Member m) {
    return switch (m.getRole()) {
      case VOTER -> MemberRole.VOTER;
      case LEARNER -> MemberRole.LEARNER;
      case OUTGOING_VOTER -> MemberRole.OUTGOING_VOTER;
      case MEMBER_ROLE_UNSPECIFIED, UNRECOGNIZED -> MemberRole.UNKNOWN;
    };
  }
}
