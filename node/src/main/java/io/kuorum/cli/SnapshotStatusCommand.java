package io.kuorum.cli;

import io.kuorum.kv.KvStateMachine;
import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.server.Member;
import io.kuorum.server.MemberDirectory;
import io.kuorum.snapshot.ByteSize;
import io.kuorum.snapshot.CorruptSnapshotException;
import io.kuorum.snapshot.SnapshotFile;
import io.kuorum.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Offline: verifies a backup and says what it holds; talks to no cluster. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Verifies a saved snapshot (checksum and structure, offline) and shows its index, term,"
          + " configuration, size and number of keys.",
      "Exits with 5 if the file does not verify."
    },
    footer = ExitCodes.FOOTER)
final class SnapshotStatusCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "The snapshot file.")
  private Path file;

  @Spec private CommandSpec spec;

  /** What a verified snapshot file holds. */
  private record Description(SnapshotFile file, long keys, List<Member> members) {}

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(
          spec.commandLine(),
          file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
    }
    PrintWriter out = spec.commandLine().getOut();
    Description d;
    try {
      d = describe(SnapshotFile.verify(file));
    } catch (CorruptSnapshotException e) {
      spec.commandLine().getErr().println("kuorumctl: " + file + " is not a valid snapshot: " + e.reason());
      return ExitCodes.FAILED;
    } catch (StorageException e) {
      spec.commandLine().getErr().println("kuorumctl: cannot read " + file + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Configuration c = d.file().meta().configuration().configuration();
    if (((Kuorumctl) spec.root().userObject()).output() == OutputFormat.JSON) {
      JsonWriter json =
          new JsonWriter()
              .beginObject()
              .name("file").value(file.toString())
              .name("valid").value(true)
              .name("index").value(d.file().meta().index())
              .name("term").value(d.file().meta().term())
              .name("bytes").value(d.file().size())
              .name("keys").value(d.keys())
              .name("voters").beginArray();
      c.voters().forEach(json::value);
      json.endArray().name("learners").beginArray();
      c.learners().forEach(json::value);
      json.endArray().name("outgoing").beginArray();
      c.outgoing().forEach(json::value);
      json.endArray().name("members").beginArray();
      for (Member m : d.members()) {
        json.beginObject()
            .name("id").value(m.id())
            .name("peerAddress").value(m.peerAddress())
            .name("clientAddress").value(m.clientAddress())
            .endObject();
      }
      out.println(json.endArray().endObject());
    } else {
      out.println("file:      " + file + " (checksum and structure verified)");
      out.println("index:     " + d.file().meta().index());
      out.println("term:      " + d.file().meta().term());
      out.println("size:      " + ByteSize.format(d.file().size()) + " (" + d.file().size() + " bytes)");
      out.println("keys:      " + d.keys());
      out.println("voters:    " + ids(c.voters()));
      out.println("learners:  " + ids(c.learners()));
      if (c.isJoint()) out.println("outgoing:  " + ids(c.outgoing()) + " (taken during a joint change)");
      if (!d.members().isEmpty()) {
        out.println(
            "addresses: "
                + d.members().stream().map(Member::toString).collect(Collectors.joining(", ")));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Reads the key count from the payload's header only: cheap for any size of snapshot. */
  private static Description describe(SnapshotFile file) {
    long keys;
    try (InputStream payload = file.openPayload()) {
      keys = KvStateMachine.readHeader(payload).keys();
    } catch (IllegalArgumentException e) {
      throw new CorruptSnapshotException(file.path(), "its payload is not a key-value state (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new StorageException(file.path(), "cannot read the snapshot (" + e + ")", e);
    }
    ConfigurationEntry entry = file.meta().configuration();
    List<Member> members;
    try {
      members =
          entry.context().length == 0
              ? List.of()
              : List.copyOf(MemberDirectory.decode(entry.context()).members());
    } catch (IllegalStateException e) {
      members = List.of(); // addresses are informative here; the configuration itself verified
    }
    return new Description(file, keys, members);
  }

  private static String ids(java.util.SortedSet<Long> ids) {
    return ids.isEmpty()
        ? "none"
        : ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
