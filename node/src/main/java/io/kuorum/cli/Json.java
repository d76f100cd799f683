package io.kuorum.cli;

import io.kuorum.client.ClusterMember;
import io.kuorum.client.KeyValue;
import io.kuorum.client.MemberRole;
import io.kuorum.client.MembershipResult;
import io.kuorum.client.NodeStatus;
import io.kuorum.client.TransferResult;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The JSON shapes kuorumctl prints, in one place so they stay consistent. */
final class Json {
  private Json() {}

  static JsonWriter keyValue(JsonWriter json, KeyValue kv) {
    return json.beginObject()
        .name("key").value(kv.keyUtf8())
        .name("value").value(kv.valueUtf8())
        .name("revision").value(kv.revision())
        .endObject();
  }

  /** {"leader": {"id", "address"} or null, "nodes": [...]}. */
  static JsonWriter clusterStatus(
      JsonWriter json, Optional<ClusterLeader> leader, List<NodeStatus> nodes) {
    json.beginObject().name("leader");
    leader(json, leader);
    json.name("nodes").beginArray();
    nodes.forEach(node -> nodeStatus(json, node));
    return json.endArray().endObject();
  }

  /**
   * {"leader", "source": the endpoint that reported, "joint", "transferringTo": id or null,
   * "members": [...]}.
   */
  static JsonWriter members(JsonWriter json, Optional<ClusterLeader> leader, NodeStatus source) {
    json.beginObject().name("leader");
    leader(json, leader);
    json.name("source").value(source.endpoint())
        .name("joint").value(source.joint())
        .name("transferringTo");
    optional(json, source.transferringTo());
    json.name("members");
    memberList(json, source.members());
    return json.endObject();
  }

  /** {"changed", "message", "index", "durationMillis", "voters", "learners", "members"}. */
  static JsonWriter membershipResult(JsonWriter json, MembershipResult result) {
    json.beginObject()
        .name("changed").value(result.changed())
        .name("message").value(result.message())
        .name("index").value(result.index())
        .name("durationMillis").value(result.duration().toMillis())
        .name("voters").beginArray();
    result.voters().forEach(json::value);
    json.endArray().name("learners").beginArray();
    result.learners().forEach(json::value);
    json.endArray().name("members");
    memberList(json, result.members());
    return json.endObject();
  }

  static JsonWriter transferResult(JsonWriter json, TransferResult result) {
    return json.beginObject()
        .name("leaderId").value(result.leaderId())
        .name("message").value(result.message())
        .name("durationMillis").value(result.duration().toMillis())
        .endObject();
  }

  /** How roles are named in kuorumctl's output, tables and JSON alike. */
  static String roleName(MemberRole role) {
    return switch (role) {
      case VOTER -> "voter";
      case LEARNER -> "learner";
      case OUTGOING_VOTER -> "outgoing";
      case UNKNOWN -> "unknown";
    };
  }

  private static void nodeStatus(JsonWriter json, NodeStatus s) {
    json.beginObject()
        .name("endpoint").value(s.endpoint())
        .name("reachable").value(s.reachable())
        .name("id").value(s.id())
        .name("clusterId").value(s.clusterId())
        .name("role").value(s.role())
        .name("term").value(s.term())
        .name("leaderId").value(s.leaderId())
        .name("leaderAddress").value(s.leaderAddress())
        .name("commitIndex").value(s.commitIndex())
        .name("appliedIndex").value(s.appliedIndex())
        .name("lastIndex").value(s.lastIndex())
        .name("version").value(s.version())
        .name("joint").value(s.joint())
        .name("transferringTo");
    optional(json, s.transferringTo());
    json.name("members");
    memberList(json, s.members());
    json.name("error");
    s.error().ifPresentOrElse(json::value, json::nullValue);
    json.endObject();
  }

  // Progress the reporting node does not know is null, never 0: 0 is a real lag.
  private static void memberList(JsonWriter json, List<ClusterMember> members) {
    json.beginArray();
    for (ClusterMember m : members) {
      json.beginObject()
          .name("id").value(m.id())
          .name("role").value(roleName(m.role()))
          .name("peerAddress").value(m.peerAddress())
          .name("clientAddress").value(m.clientAddress())
          .name("matchIndex");
      optional(json, m.matchIndex());
      json.name("lag");
      optional(json, m.lag());
      json.name("caughtUp");
      m.caughtUp().ifPresentOrElse(json::value, json::nullValue);
      json.name("catchUpMillis");
      m.catchUpTime().ifPresentOrElse(d -> json.value(d.toMillis()), json::nullValue);
      json.endObject();
    }
    json.endArray();
  }

  private static void leader(JsonWriter json, Optional<ClusterLeader> leader) {
    leader.ifPresentOrElse(
        l -> json.beginObject().name("id").value(l.id()).name("address").value(l.address())
            .endObject(),
        json::nullValue);
  }

  private static void optional(JsonWriter json, OptionalLong value) {
    value.ifPresentOrElse(json::value, json::nullValue);
  }
}
