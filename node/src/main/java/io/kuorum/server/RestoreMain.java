package io.kuorum.server;

import io.kuorum.snapshot.ByteSize;
import io.kuorum.storage.StorageException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kuorum restore FILE --data DIR --id N --members ...}: seeds one member of a new cluster from a
 * backup, offline (see {@link SnapshotRestore}). Exit codes: 0 restored, 1 the backup or the directory
 * is unusable (nothing is left behind), 2 invalid arguments.
 */
@Command(name = "kuorum restore", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Seeds the data directory of one member of a NEW cluster from a backup saved with"
        + " 'kuorumctl snapshot save'. Run it once per member, with the same FILE, --members and --cluster-id,"
        + " then start every member with 'kuorum server' and the same flags.",
        "The new cluster holds the backup's keys; its members, addresses and cluster id are the ones given here."})
public final class RestoreMain implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup (a snapshot file).")
  Path file;

  @Option(names = "--data", required = true, description = "Data directory of the new member; must not exist or be empty.")
  Path data;

  @Option(names = "--id", required = true, description = "This member's id; one of --members.")
  long id;

  @Option(names = "--members", required = true,
      description = "Voters of the new cluster: ID=HOST:PEER_PORT[/CLIENT_PORT],... as for 'kuorum server --members'.")
  String members;

  @Option(names = "--cluster-id", defaultValue = "${env:KUORUM_CLUSTER_ID:-kuorum}",
      description = "Name of the new cluster, as 'kuorum server --cluster-id' will be given (KUORUM_CLUSTER_ID, default"
          + " ${DEFAULT-VALUE}). Prefer a new name: nodes of the old cluster then refuse to talk to the new one.")
  String clusterId;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RestoreMain()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Member> voters;
    SnapshotRestore.Result r;
    try {
      if (id <= 0) throw new IllegalArgumentException("--id must be a positive member id, got " + id);
      voters = Member.parseList(members);
      r = SnapshotRestore.restore(file, data, id, voters, clusterId);
    } catch (IllegalArgumentException e) {
      err.println("kuorum restore: " + e.getMessage());
      return 2;
    } catch (StorageException | UncheckedIOException | StartupException e) {
      err.println("kuorum restore: nothing was restored: " + e.getMessage());
      return 1;
    }
    Set<Long> others = voters.stream().map(Member::id).filter(m -> m != id).collect(Collectors.toCollection(java.util.TreeSet::new));
    out.printf("kuorum restore: member %d of cluster '%s' seeded in %s from %s%n", id, clusterId, data, file);
    out.printf("  state:   snapshot at index %d (term %d), %d keys, %s%n", r.original().index(), r.original().term(),
        r.keys(), ByteSize.format(r.bytes()));
    out.printf("  voters:  %s (the backup's own members and cluster id are not carried over)%n",
        voters.stream().map(Member::toString).collect(Collectors.joining(",")));
    out.printf("  written: %s, an empty log continuing after index %d, %s%n", data.relativize(r.snapshot()),
        r.original().index(), MemberId.FILE);
    if (!others.isEmpty()) {
      out.printf("next: restore the same file for member(s) %s, each into its own directory, e.g.%n", others.stream()
          .map(String::valueOf).collect(Collectors.joining(", ")));
      out.printf("  bin/kuorum restore %s --data DIR --id %d --members %s --cluster-id %s%n", file, others.iterator().next(),
          members, clusterId);
      out.println("then start every member; this one with:");
    } else {
      out.println("next: start it with:");
    }
    Member self = voters.stream().filter(m -> m.id() == id).findFirst().orElseThrow();
    out.printf("  bin/kuorum server --data %s --id %d --members %s --cluster-id %s --listen-peer %s --listen-client %s%n", data,
        id, members, clusterId, listen(self.peerAddress()), listen(self.clientAddress()));
    out.flush();
    return 0;
  }

  /** Where to listen for an advertised address: the loopback host itself, else every interface. */
  private static String listen(String advertised) {
    HostPort hp = HostPort.parse(advertised, "address");
    boolean loopback = hp.host().equals("127.0.0.1") || hp.host().equals("localhost") || hp.host().equals("::1");
    return (loopback ? hp : new HostPort("0.0.0.0", hp.port())).toString();
  }
}
