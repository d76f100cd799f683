package io.kuorum.client;

import com.google.protobuf.ByteString;
import io.kuorum.admin.proto.StatusResponse;
import java.util.Optional;

/** Converts between the wire messages and the client's records. */
final class Protos {
  private Protos() {}

  static ByteString bytes(byte[] value) {
    return ByteString.copyFrom(value);
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
        response.getMembersList().stream()
            .map(m -> new ClusterMember(m.getId(), m.getPeerAddress(), m.getClientAddress()))
            .toList(),
        response.getVersion(),
        Optional.empty());
  }
}
