package io.kuorum.client;

import io.grpc.ClientStreamTracer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records whether request headers of a call reached the socket, on any attempt. A server cannot
 * act on a request whose headers never left the client, so a write that failed before that is
 * definitely not applied and safe to send elsewhere. Transports report headers once they are
 * written (Netty: when the write succeeds); calls that fail for want of a connection never report
 * them. If in doubt a transport reports them, which errs on the safe side ("maybe applied").
 */
final class SendTracker extends ClientStreamTracer.Factory {
  private final AtomicBoolean headersSent = new AtomicBoolean();

  @Override
  public ClientStreamTracer newClientStreamTracer(
      ClientStreamTracer.StreamInfo info, io.grpc.Metadata headers) {
    return new ClientStreamTracer() {
      @Override
      public void outboundHeaders() {
        headersSent.set(true);
      }
    };
  }

  /** Whether the request may have reached a server. */
  boolean maybeSent() {
    return headersSent.get();
  }
}
