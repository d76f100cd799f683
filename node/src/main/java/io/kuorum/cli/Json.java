package io.kuorum.cli;

import io.kuorum.client.ClusterMember;
import io.kuorum.client.KeyValue;
import io.kuorum.client.NodeStatus;
import java.util.List;
import java.util.Optional;

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
    leader.ifPresentOrElse(
        l -> json.beginObject().name("id").value(l.id()).name("address").value(l.address())
            .endObject(),
        json::nullValue);
    json.name("nodes").beginArray();
    nodes.forEach(node -> nodeStatus(json, node));
    return json.endArray().endObject();
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
        .name("members").beginArray();
    for (ClusterMember m : s.members()) {
      json.beginObject()
          .name("id").value(m.id())
          .name("peerAddress").value(m.peerAddress())
          .name("clientAddress").value(m.clientAddress())
          .endObject();
    }
    json.endArray().name("error");
    s.error().ifPresentOrElse(json::value, json::nullValue);
    json.endObject();
  }
}
