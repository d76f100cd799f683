package io.kuorum.cli;

import io.kuorum.client.ClientOptions;
import io.kuorum.client.KuorumClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kuorumctl}: reads and writes keys of a Kuorum cluster, shows its status and changes its
 * members.
 */
@Command(
    name = "kuorumctl",
    mixinStandardHelpOptions = true,
    versionProvider = Kuorumctl.Version.class,
    description =
        "Reads and writes keys of a Kuorum cluster, shows its status, changes its members and saves"
            + " backups.",
    subcommands = {
      PutCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      CasCommand.class,
      RangeCommand.class,
      WatchCommand.class,
      StatusCommand.class,
      BenchCommand.class,
      MembersCommand.class,
      TransferLeaderCommand.class,
      SnapshotCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = ExitCodes.FOOTER)
public final class Kuorumctl implements Callable<Integer> {
  /** The local cluster of {@code bin/kuorum local}. */
  static final String DEFAULT_ENDPOINTS = "127.0.0.1:7379,127.0.0.1:7389,127.0.0.1:7399";

  static final String ENDPOINTS_ENV = "KUORUM_ENDPOINTS";

  // Global options carry no picocli default: a subcommand's copy of an inherited option must not
  // reset what was given before the subcommand; the getters below apply the defaults.
  @Option(
      names = "--endpoints",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "Client addresses of cluster nodes, comma-separated"
              + " (default: $" + ENDPOINTS_ENV + ", else " + DEFAULT_ENDPOINTS + ").")
  private String endpoints;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "Output format: table or json (default: table).")
  private OutputFormat output;

  @Option(
      names = "--timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Deadline of each operation, e.g. 5s or 500ms (default: 5s; 30s for membership"
              + " changes and transfer-leader).")
  private Duration timeout;

  @Spec private CommandSpec spec;

  private final Map<String, String> environment;

  public Kuorumctl(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The command line with kuorumctl's error handling and exit codes, ready to execute. */
  public static CommandLine commandLine(Map<String, String> environment) {
    var errors = new ErrorHandler();
    return new CommandLine(new Kuorumctl(environment))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command: put, get, del, cas, range, watch, status, members, transfer-leader or snapshot");
  }

  /** --timeout, if given. */
  Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  OutputFormat output() {
    return output == null ? OutputFormat.TABLE : output;
  }

  /** --endpoints, else $KUORUM_ENDPOINTS, else the local cluster. */
  List<String> endpoints() {
    String csv = endpoints;
    if (csv == null || csv.isBlank()) {
      csv = environment.getOrDefault(ENDPOINTS_ENV, "");
    }
    if (csv.isBlank()) {
      csv = DEFAULT_ENDPOINTS;
    }
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** A client for the chosen endpoints and timeout; bad endpoints are a usage error. */
  KuorumClient openClient() {
    return openClient(endpoints());
  }

  /** A client for {@code endpoints} (tried in that order) with the chosen timeout. */
  KuorumClient openClient(List<String> endpoints) {
    // A timeout given on the command line is meant for whatever the command does, membership
    // changes included; without one, those get their own longer default.
    ClientOptions options =
        timeout == null
            ? ClientOptions.defaults()
            : ClientOptions.defaults().withDeadline(timeout).withMembershipDeadline(timeout);
    try {
      return KuorumClient.connect(endpoints, options);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The version of the jar, when it was built by Maven. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Kuorumctl.class.getPackage().getImplementationVersion();
      return new String[] {"kuorumctl " + (version == null ? "(development build)" : version)};
    }
  }
}
