package io.kuorum.cli;

import io.kuorum.client.ClusterMember;
import io.kuorum.client.KuorumClient;
import io.kuorum.client.NodeStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Command;

@Command(
    name = "list",
    aliases = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the members with their roles and, as the leader sees it, how far each has caught up.",
      "Progress columns are blank when the leader does not know them (or for the leader itself)."
    },
    footer = ExitCodes.FOOTER)
final class MembersListCommand extends ClientCommand {

  @Override
  int run(KuorumClient client) {
    List<NodeStatus> statuses = client.statusAll();
    Optional<ClusterLeader> leader = ClusterLeader.find(statuses);
    // Only the leader knows replication progress; failing that, any node knows the configuration.
    Optional<NodeStatus> source = leaderStatus(client, statuses, leader).or(() -> newest(statuses));
    if (source.isEmpty()) {
      err().println(
          "kuorumctl: no endpoint answered: is the cluster running? (endpoints from --endpoints"
              + " or $" + Kuorumctl.ENDPOINTS_ENV + ")");
      return ExitCodes.UNAVAILABLE;
    }
    NodeStatus view = source.get();
    if (format() == OutputFormat.JSON) {
      out().println(Json.members(new JsonWriter(), leader, view));
    } else {
      print(view, leader);
    }
    out().flush();
    if (!view.isLeader()) {
      err().println(
          "kuorumctl: the leader did not answer; members as node " + view.id() + " at "
              + view.endpoint() + " knows them, without replication progress");
    }
    return ExitCodes.OK;
  }

  private void print(NodeStatus view, Optional<ClusterLeader> leader) {
    var table =
        new TextTable(List.of("ID", "ROLE", "PEER", "CLIENT", "MATCH", "LAG", "CAUGHT-UP"));
    for (ClusterMember m : view.members()) {
      table.addRow(
          List.of(
              Long.toString(m.id()),
              Json.roleName(m.role()),
              m.peerAddress(),
              m.clientAddress(),
              text(m.matchIndex()),
              text(m.lag()),
              caughtUp(m)));
    }
    out().print(table.render());
    out().println(
        leader
            .map(l -> "leader: node " + l.id() + " at " + l.address())
            .orElse("leader: none known (an election may be in progress; try again shortly)"));
    out().println(
        view.joint()
            ? "joint change in progress: yes (outgoing voters count until the new voter set is"
                + " committed)"
            : "joint change in progress: no");
    view.transferringTo()
        .ifPresent(id -> out().println("leadership transfer in progress: to node " + id));
  }

  /** The leader's own status: from the endpoints, or asked directly when it is not among them. */
  private static Optional<NodeStatus> leaderStatus(
      KuorumClient client, List<NodeStatus> statuses, Optional<ClusterLeader> leader) {
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    long id = leader.get().id();
    Optional<NodeStatus> listed =
        statuses.stream().filter(s -> s.isLeader() && s.id() == id).findFirst();
    if (listed.isPresent()) {
      return listed;
    }
    NodeStatus asked = client.status(leader.get().address());
    return asked.isLeader() ? Optional.of(asked) : Optional.empty();
  }

  /** The reachable node of the highest term, whose configuration is the most recent one seen. */
  private static Optional<NodeStatus> newest(List<NodeStatus> statuses) {
    return statuses.stream()
        .filter(NodeStatus::reachable)
        .max(Comparator.comparingLong(NodeStatus::term).thenComparingLong(NodeStatus::lastIndex));
  }

  private static String text(OptionalLong value) {
    return value.isPresent() ? Long.toString(value.getAsLong()) : "";
  }

  private static String caughtUp(ClusterMember m) {
    String took = m.catchUpTime().map(d -> " (" + d.toMillis() + " ms)").orElse("");
    return m.caughtUp().map(yes -> (yes ? "yes" : "no") + took).orElse("");
  }
}
