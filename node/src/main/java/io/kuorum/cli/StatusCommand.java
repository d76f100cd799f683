package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.NodeStatus;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows what every endpoint reports: role, term, leader, log indexes.",
    footer = ExitCodes.FOOTER)
final class StatusCommand extends ClientCommand {

  @Override
  int run(KuorumClient client) {
    List<NodeStatus> statuses = client.statusAll();
    Optional<ClusterLeader> leader = ClusterLeader.find(statuses);
    if (format() == OutputFormat.JSON) {
      out().println(Json.clusterStatus(new JsonWriter(), leader, statuses));
    } else {
      out().print(table(statuses).render());
      out().println(
          leader
              .map(l -> "leader: node " + l.id() + " at " + l.address())
              .orElse("leader: none known (an election may be in progress; try again shortly)"));
    }
    out().flush();
    if (statuses.stream().noneMatch(NodeStatus::reachable)) {
      err().println(
          "kuorumctl: no endpoint answered: is the cluster running? (endpoints from --endpoints"
              + " or $" + Kuorumctl.ENDPOINTS_ENV + ")");
      return ExitCodes.UNAVAILABLE;
    }
    return ExitCodes.OK;
  }

  private static TextTable table(List<NodeStatus> statuses) {
    var table =
        new TextTable(
            List.of(
                "ENDPOINT", "ID", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAST INDEX",
                "ERROR"));
    for (NodeStatus s : statuses) {
      if (s.reachable()) {
        table.addRow(
            List.of(
                s.endpoint(),
                Long.toString(s.id()),
                s.role(),
                Long.toString(s.term()),
                s.leaderId() == 0 ? "none" : Long.toString(s.leaderId()),
                Long.toString(s.commitIndex()),
                Long.toString(s.appliedIndex()),
                Long.toString(s.lastIndex()),
                ""));
      } else {
        table.addRow(
            List.of(s.endpoint(), "-", "-", "-", "-", "-", "-", "-", s.error().orElse("")));
      }
    }
    return table;
  }
}
