package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.SavedSnapshot;
import io.kuorum.snapshot.ByteSize;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "save",
    mixinStandardHelpOptions = true,
    description = {
      "Saves a consistent backup of the cluster to FILE: a snapshot the leader takes once it has"
          + " applied every write acknowledged before the command started.",
      "Written to FILE.part, verified, then renamed, so FILE is complete and valid or absent."
          + " --timeout bounds the whole transfer (default: 5m)."
    },
    footer = ExitCodes.FOOTER)
final class SnapshotSaveCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "Where to save the backup.")
  private Path file;

  @Option(names = "--force", description = "Replace FILE if it exists (only once the new backup verified).")
  private boolean force;

  @Override
  int run(KuorumClient client) {
    SavedSnapshot saved =
        withArgumentsChecked(
            () ->
                client.saveSnapshot(
                    file, force, timeout().orElse(KuorumClient.DEFAULT_SNAPSHOT_TIMEOUT)));
    if (format() == OutputFormat.JSON) {
      out().println(
          new JsonWriter()
              .beginObject()
              .name("file").value(saved.file().toString())
              .name("index").value(saved.index())
              .name("term").value(saved.term())
              .name("bytes").value(saved.bytes())
              .name("keys").value(saved.keys())
              .name("leaderId").value(saved.leaderId())
              .name("clusterId").value(saved.clusterId())
              .name("durationMillis").value(saved.duration().toMillis())
              .endObject());
    } else {
      out().println(
          "saved snapshot at index " + saved.index() + " (term " + saved.term() + "), "
              + ByteSize.format(saved.bytes()) + ", " + saved.keys() + " keys to " + saved.file());
    }
    out().flush();
    return ExitCodes.OK;
  }
}
