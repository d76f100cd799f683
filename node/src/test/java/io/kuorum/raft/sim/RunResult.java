package io.kuorum.raft.sim;

import io.kuorum.check.CheckResult;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one seeded run found and measured.
 *
 * @param linearizability the check of every operation but the serializable reads
 * @param serializableReads the weaker check of the serializable reads ({@code SerializableReadChecker})
 * @param recoveryTicks ticks from healing every fault to the first committed proposal; empty if the
 *     cluster never recovered within the run
 */
record RunResult(
    long seed,
    SimConfig config,
    List<String> violations,
    CheckResult linearizability,
    CheckResult serializableReads,
    int faults,
    int crashes,
    int pauses,
    int leadersElected,
    OptionalLong recoveryTicks,
    int opsOk,
    int opsUnknown,
    int opsFailed,
    long messagesSent,
    long messagesDropped,
    long fingerprint,
    List<Integer> votersReached,
    int membershipChanges,
    int membershipRefusals,
    int transfers,
    int leaderRemovals,
    int snapshotsTaken,
    int snapshotsInstalled,
    int anyMemberReadsOk,
    int leaseReadsOk,
    int serializableReadsOk) {

  boolean safe() {
    return violations.isEmpty() && linearizability.isLinearizable() && serializableReads.isLinearizable();
  }

  /** A report that names the seed and how to replay it. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("seed ").append(seed).append(" (").append(config.nodes()).append(" nodes, pre-vote ")
        .append(config.preVote()).append(", check-quorum ").append(config.checkQuorum());
    if (!config.mutations().isEmpty()) sb.append(", mutations ").append(config.mutations());
    sb.append(")\n  replay: ./mvnw -pl node test -Dtest=")
        .append(!config.mutations().isEmpty() ? "BrokenVariantsTest"
            : config.membership() == SimConfig.Membership.FIXED ? "SimulationTest" : "MembershipSimulationTest")
        .append(" -Dsim.seed=").append(seed).append(" -Dsim.nodes=").append(config.nodes()).append('\n');
    violations.forEach(v -> sb.append("  invariant violated: ").append(v).append('\n'));
    if (!linearizability.isLinearizable()) sb.append("  ").append(linearizability.describe()).append('\n');
    if (!serializableReads.isLinearizable()) sb.append("  serializable reads: ").append(serializableReads.describe()).append('\n');
    sb.append("  faults=").append(faults).append(" crashes=").append(crashes).append(" pauses=").append(pauses).append(" leaders=").append(leadersElected)
        .append(" ops ok/unknown/failed=").append(opsOk).append('/').append(opsUnknown).append('/').append(opsFailed)
        .append(" recoveryTicks=").append(recoveryTicks.isPresent() ? recoveryTicks.getAsLong() : "never");
    if (config.snapshotEvery() > 0) {
      sb.append(" snapshots taken/installed ").append(snapshotsTaken).append('/').append(snapshotsInstalled);
    }
    if (config.membership() != SimConfig.Membership.FIXED) {
      sb.append(" membership ").append(config.membership()).append(": voter counts ").append(votersReached)
          .append(", changes accepted/refused ").append(membershipChanges).append('/').append(membershipRefusals)
          .append(", transfers ").append(transfers).append(", leader removals ").append(leaderRemovals);
    }
    return sb.toString();
  }
}
