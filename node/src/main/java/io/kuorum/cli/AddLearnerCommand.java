package io.kuorum.cli;

import io.kuorum.client.KuorumClient;
import io.kuorum.client.MembershipResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "add-learner",
    mixinStandardHelpOptions = true,
    description = {
      "Adds member ID as a learner: it receives the log but does not vote.",
      "ID is the id the new node prints while it waits to join; it must never have been used."
    },
    footer = ExitCodes.FOOTER)
final class AddLearnerCommand extends MembershipCommand {
  @Parameters(index = "0", paramLabel = "ID")
  private String id;

  @Parameters(index = "1", paramLabel = "PEER_ADDRESS",
      description = "host:port of the new member's peer (Raft) port, e.g. 10.0.0.4:7380.")
  private String peerAddress;

  @Option(
      names = "--client-address",
      paramLabel = "ADDR",
      defaultValue = "",
      description = "host:port of its client port (default: the peer host, port 7379).")
  private String clientAddress;

  @Override
  int run(KuorumClient client) {
    long member = MemberIds.parse(spec.commandLine(), id);
    MembershipResult result =
        withArgumentsChecked(() -> client.addLearner(member, peerAddress, clientAddress));
    return report(
        result,
        "learner " + member + " added",
        "node " + member + " already is a learner at " + peerAddress);
  }
}
