package io.kuorum.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kuorum node in its own JVM, started from the test's classpath, with real MapDB files and
 * gRPC on loopback. Signals are real: SIGKILL, SIGTERM, SIGSTOP and SIGCONT.
 */
final class NodeProcess {

  /** The member id; for a node that joins a running cluster, known once it has started ({@link #awaitId}). */
  long id;
  final int clientPort;
  final int peerPort;
  private final Path dataDir;
  private final Path logFile;
  private final List<String> extraArgs;
  private String members = "";
  private Process process;
  private int starts;

  NodeProcess(long id, int clientPort, int peerPort, Path dataDir, Path logFile, List<String> extraArgs) {
    this.id = id;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.extraArgs = List.copyOf(extraArgs);
  }

  String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  String memberSpec() {
    return id + "=127.0.0.1:" + peerPort + "/" + clientPort;
  }

  String peerAddress() {
    return "127.0.0.1:" + peerPort;
  }

  /** A joining node picks its own id on first start and stores it with its data. */
  long awaitId(java.time.Duration within) {
    Path file = dataDir.resolve("member-id");
    org.awaitility.Awaitility.await("member id of the node logging to " + logFile).atMost(within)
        .until(() -> Files.exists(file));
    try {
      id = Long.parseLong(Files.readString(file).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return id;
  }

  void members(String spec) {
    this.members = spec;
  }

  Path dataDir() {
    return dataDir;
  }

  /** Starts the JVM; its output goes to the node's log file (appended across restarts). */
  NodeProcess start() {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.kuorum.server.ServerMain",
        "--cluster-id", "it", "--members", members, "--data", dataDir.toString(),
        "--listen-client", "127.0.0.1:" + clientPort, "--listen-peer", "127.0.0.1:" + peerPort,
        "--listen-metrics", "127.0.0.1:0"));
    if (id > 0) cmd.addAll(List.of("--id", Long.toString(id))); // bootstrap members; joiners get an id of their own
    cmd.addAll(extraArgs);
    try {
      Files.writeString(logFile, "---- start " + (++starts) + " ----\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no flush; only what was synced survives. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM: the graceful shutdown path. Returns the exit code. */
  int terminate() {
    process.destroy();
    return waitForExit();
  }

  int waitForExit() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("node " + id + " did not exit in 30s");
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void pause() {
    signal("-STOP");
  }

  void resume() {
    signal("-CONT");
  }

  private void signal(String sig) {
    try {
      Process p = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start();
      if (p.waitFor() != 0) throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** The last lines of the node's log, for failure messages. */
  String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
