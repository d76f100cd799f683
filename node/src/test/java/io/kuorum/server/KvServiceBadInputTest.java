package io.kuorum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.kuorum.client.LoopbackPorts;
import io.kuorum.kv.KvLimits;
import io.kuorum.kv.proto.GetRequest;
import io.kuorum.kv.proto.KvServiceGrpc;
import io.kuorum.kv.proto.PutRequest;
import io.kuorum.kv.proto.RangeRequest;
import io.kuorum.raft.Role;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad client input gets a precise status and changes nothing: the log does not grow. */
class KvServiceBadInputTest {

  @TempDir Path dir;
  private KuorumServer server;
  private ManagedChannel channel;
  private KvServiceGrpc.KvServiceBlockingStub kv;

  private KuorumServer start(long id, String members, Path data) {
    int client = LoopbackPorts.free();
    int peer = LoopbackPorts.free();
    String m = members.isEmpty() ? id + "=127.0.0.1:" + peer + "/" + client : members;
    return KuorumServer.start(new NodeConfig(id, "t", Member.parseList(m), data, new HostPort("127.0.0.1", client),
        new HostPort("127.0.0.1", peer), 10, 10, 2, 100, KvLimits.DEFAULT, "", "", SnapshotPolicy.DEFAULT));
  }

  private KvServiceGrpc.KvServiceBlockingStub stub(KuorumServer s) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", s.clientPort()).usePlaintext().maxInboundMessageSize(8 << 20).build();
    return KvServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void startSingleNode() {
    server = start(1, "", dir.resolve("data"));
    kv = stub(server);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.status().role() == Role.LEADER);
    kv.put(PutRequest.newBuilder().setKey(bytes("ok")).setValue(bytes("v")).build());
  }

  @AfterEach
  void stop() {
    if (channel != null) channel.shutdownNow();
    if (server != null) server.close();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static ByteString bytes(int n) {
    return ByteString.copyFrom(new byte[n]);
  }

  private void assertRejected(Runnable call, Status.Code code, String message) {
    long lastIndex = server.status().lastIndex();
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
    assertThat(server.status().lastIndex()).as("nothing was proposed").isEqualTo(lastIndex);
  }

  @Test
  void emptyAndOversizedKeysAndValuesAreInvalid() {
    assertRejected(() -> kv.put(PutRequest.newBuilder().setValue(bytes("v")).build()), Status.Code.INVALID_ARGUMENT,
        "key must not be empty");
    assertRejected(() -> kv.get(GetRequest.newBuilder().setKey(bytes(4097)).build()), Status.Code.INVALID_ARGUMENT,
        "key is 4097 bytes; the limit is 4096");
    assertRejected(() -> kv.put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes(1024 * 1024 + 1)).build()),
        Status.Code.INVALID_ARGUMENT, "value is 1048577 bytes; the limit is 1048576");
    assertRejected(() -> kv.range(RangeRequest.newBuilder().setLimit(10_001).build()), Status.Code.INVALID_ARGUMENT,
        "exceeds the maximum 10000");
  }

  @Test
  void aRequestLargerThanTheLimitIsRefusedBeforeParsing() {
    assertRejected(() -> kv.put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes(3 * 1024 * 1024)).build()),
        Status.Code.RESOURCE_EXHAUSTED, "");
  }

  @Test
  void aPayloadThatIsNotAValidRequestIsInvalid() {
    MethodDescriptor<byte[], byte[]> rawPut = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(KvServiceGrpc.getPutMethod().getFullMethodName())
        .setRequestMarshaller(new RawBytes()).setResponseMarshaller(new RawBytes()).build();
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    assertRejected(() -> ClientCalls.blockingUnaryCall(channel, rawPut, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        garbage), Status.Code.INVALID_ARGUMENT, "malformed request to kuorum.kv.KvService/Put");
  }

  @Test
  void aNodeThatIsNotAMemberSaysSo(@TempDir Path other) {
    KuorumServer outsider = start(7, "1=127.0.0.1:1/2", other);
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", outsider.clientPort()).usePlaintext().build();
    try {
      assertThatThrownBy(() -> KvServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("v")).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("not part of a cluster");
          });
      assertThat(outsider.status().member()).isFalse();
    } finally {
      ch.shutdownNow();
      outsider.close();
    }
  }

  @Test
  void validRequestsStillWorkAfterBadOnes() {
    emptyAndOversizedKeysAndValuesAreInvalid();
    assertThat(kv.get(GetRequest.newBuilder().setKey(bytes("ok")).build()).getKv().getValue().toStringUtf8()).isEqualTo("v");
  }

  /** Passes bytes through unchanged, to send what a real client never would. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
