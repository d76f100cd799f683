package io.kuorum.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Kubernetes probes on the metrics port. {@code /healthz} (liveness): 200 while the node runs, 503 once
 * it has stopped on a fatal error, so a restart is the cure. {@code /readyz} (readiness): 200 when the
 * node is a member of its cluster and knows a leader, so it can serve and forward requests; 503 with the
 * reason otherwise (not yet added, removed, an election in progress, or cut off from the others): a
 * restart would not help, the node only needs time or the cluster's attention. Both read published
 * state only, never the Raft thread. Any other path is 404.
 */
final class ProbeHandler implements HttpHandler {

  private final Supplier<? extends NodeState> status;
  private final BooleanSupplier alive;

  ProbeHandler(Supplier<? extends NodeState> status, BooleanSupplier alive) {
    this.status = status;
    this.alive = alive;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      switch (exchange.getRequestURI().getPath()) {
        case "/healthz" -> answer(exchange, alive.getAsBoolean() ? 200 : 503,
            alive.getAsBoolean() ? "ok" : "stopped: the node hit a fatal error; see its log");
        case "/readyz" -> readiness(exchange);
        default -> answer(exchange, 404, "not found: try /metrics, /healthz or /readyz");
      }
    }
  }

  private void readiness(HttpExchange exchange) throws IOException {
    NodeState s = status.get();
    String role = s.roleName();
    if (!alive.getAsBoolean()) {
      answer(exchange, 503, "not ready: the node stopped on a fatal error");
    } else if (role.equals("waiting")) {
      answer(exchange, 503, "not ready: not a member of a cluster yet; add it with kuorumctl members add-learner");
    } else if (role.equals("removed")) {
      answer(exchange, 503, "not ready: removed from the cluster");
    } else if (s.leaderId().isEmpty()) {
      answer(exchange, 503, "not ready: no leader known in term " + s.term() + " (election in progress, or cut off"
          + " from a majority)");
    } else {
      answer(exchange, 200, "ready: " + role + " in term " + s.term() + ", leader " + s.leaderId().getAsLong()
          + ", applied " + s.appliedIndex() + " of " + s.commitIndex());
    }
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
