package io.kuorum.cli;

import io.grpc.Status;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.KuorumException;
import io.kuorum.client.Watch;
import io.kuorum.client.WatchEvent;
import io.kuorum.client.WatchListener;
import io.kuorum.client.WatchTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the changes to keys starting with PREFIX (every key without one), or to one key with --key, in revision"
          + " order as members apply them, until interrupted or --count changes were printed.",
      "A broken stream resumes at another member without losing or repeating a change. --timeout does not apply."
    },
    footer = ExitCodes.FOOTER)
final class WatchCommand extends ClientCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", defaultValue = "")
  private String prefix;

  @Option(names = "--key", paramLabel = "KEY", description = "Watch exactly this key instead of a prefix.")
  private String key;

  @Option(names = "--rev", paramLabel = "R", defaultValue = "0",
      description = "Start at revision R, inclusive: replays the changes since R that members still hold (0, the"
          + " default: changes after now).")
  private long revision;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "Exit after N changes (0, the default: run until interrupted).")
  private long count;

  @Override
  int run(KuorumClient client) {
    if (key != null && !prefix.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give a PREFIX or --key KEY, not both");
    }
    if (revision < 0) throw new ParameterException(spec.commandLine(), "--rev must be 0 or a revision, was " + revision);
    if (count < 0) throw new ParameterException(spec.commandLine(), "--count must be 0 or more, was " + count);
    WatchTarget target = key == null ? WatchTarget.prefix(prefix) : withArgumentsChecked(() -> WatchTarget.key(key));
    // Bounded: if printing falls behind, the listener waits, and so, by flow control, does the member.
    // Stopped once printing is over, so a listener waiting for room then does not block its gRPC thread forever.
    StoppableQueue<Object> seen = new StoppableQueue<>(1024);
    try (Watch watch = client.watch(target, revision, new WatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        seen.put(event);
      }

      @Override
      public void onError(KuorumException error) {
        seen.put(error);
      }
    })) {
      for (long printed = 0; count == 0 || printed < count; printed++) {
        Object next = seen.take();
        if (next instanceof KuorumException e) throw explained(e);
        print((WatchEvent) next);
      }
      return ExitCodes.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.OK;
    } finally {
      seen.stop();
    }
  }

  private KuorumException explained(KuorumException e) {
    if (e.code() != Status.Code.OUT_OF_RANGE) return e;
    return new KuorumException(e.code(), e.getMessage() + ". With kuorumctl: read the state with 'kuorumctl range "
        + (key == null ? prefix : key) + " -o json', then watch with --rev set to its revision + 1", e);
  }

  private void print(WatchEvent event) {
    if (format() == OutputFormat.JSON) {
      JsonWriter json = new JsonWriter().beginObject();
      if (event instanceof WatchEvent.Put put) {
        json.name("type").value("PUT").name("key").value(put.keyUtf8()).name("value").value(put.kv().valueUtf8());
      } else {
        json.name("type").value("DELETE").name("key").value(event.keyUtf8());
      }
      out().println(json.name("revision").value(event.revision()).endObject());
    } else if (event instanceof WatchEvent.Put put) {
      out().println("PUT " + put.keyUtf8() + " = " + put.kv().valueUtf8() + " (revision " + put.revision() + ")");
    } else {
      out().println("DELETE " + event.keyUtf8() + " (revision " + event.revision() + ")");
    }
    out().flush();
  }
}
