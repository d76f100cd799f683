package io.kuorum.server;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.kuorum.admin.proto.SaveSnapshotResponse;
import io.kuorum.admin.proto.SnapshotInfo;
import io.kuorum.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SaveSnapshot call's answer: the info message, then the held snapshot file in chunks, sent only
 * while the call's transport is ready (gRPC flow control), so a slow reader never makes the leader
 * buffer the file. Each chunk is read from disk when it is about to be sent. The snapshot arrives from
 * the snapshot thread, readiness from gRPC's executor: the methods are synchronized, and whichever way
 * the call ends (done, failed, cancelled) the file is let go exactly once.
 */
final class SnapshotStream {

  private static final Logger log = LoggerFactory.getLogger(SnapshotStream.class);
  /** Like a peer transfer's chunks: big enough for throughput, far below the client's 4 MiB message limit. */
  static final int CHUNK_BYTES = 1 << 20;

  private final ServerCallStreamObserver<SaveSnapshotResponse> call;
  private final long nodeId;
  private final String clusterId;
  private HeldSnapshot held; // null until the snapshot is ready
  private boolean infoSent;
  private long offset;
  private boolean ended;

  /** Must be built while the service method runs: gRPC accepts the handlers only then. */
  SnapshotStream(ServerCallStreamObserver<SaveSnapshotResponse> call, long nodeId, String clusterId) {
    this.call = call;
    this.nodeId = nodeId;
    this.clusterId = clusterId;
    call.setOnCancelHandler(this::cancelled);
    call.setOnReadyHandler(this::pump);
  }

  /** The snapshot is ready: start sending (or let it go, if the call already ended). */
  synchronized void start(HeldSnapshot snapshot) {
    if (ended) {
      snapshot.close();
      return;
    }
    held = snapshot;
    pump();
  }

  synchronized void fail(StatusRuntimeException status) {
    if (ended) return;
    end();
    call.onError(status);
  }

  private synchronized void cancelled() {
    if (ended) return;
    if (held != null) {
      log.info("node {}: a backup of snapshot {} was cancelled by the client after {} of {} bytes", nodeId,
          held.meta().name(), offset, held.size());
    }
    end();
  }

  private synchronized void pump() {
    if (ended || held == null) return;
    try {
      while (!ended && call.isReady()) {
        if (!infoSent) {
          call.onNext(SaveSnapshotResponse.newBuilder().setInfo(info()).build());
          infoSent = true;
        } else if (offset < held.size()) {
          ByteString data = held.read(offset, CHUNK_BYTES);
          call.onNext(SaveSnapshotResponse.newBuilder().setOffset(offset).setData(data).build());
          offset += data.size();
        } else {
          log.info("node {} streamed snapshot {} ({} bytes, {} keys) as a backup", nodeId, held.meta().name(), held.size(),
              held.keys());
          end();
          call.onCompleted();
        }
      }
    } catch (StorageException e) {
      fail(Status.INTERNAL.withDescription("node " + nodeId + " could not read its snapshot for the backup: "
          + e.getMessage()).withCause(e).asRuntimeException());
    }
  }

  private SnapshotInfo info() {
    return SnapshotInfo.newBuilder().setIndex(held.meta().index()).setTerm(held.meta().term()).setSize(held.size())
        .setKeys(held.keys()).setLeaderId(nodeId).setClusterId(clusterId).build();
  }

  private void end() {
    ended = true;
    if (held != null) held.close();
  }
}
