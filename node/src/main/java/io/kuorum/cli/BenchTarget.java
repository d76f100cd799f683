package io.kuorum.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --target} of {@code kuorumctl bench}: which members the connections start at. Public for the
 * etcd comparison of the bench module, which opens its connections the same way.
 */
public enum BenchTarget {
  /** Every connection to the leader, found from the members' statuses before the run. */
  LEADER,
  /** The connections spread over every endpoint, round-robin: followers serve reads too (§6.4); writes are redirected to the leader. */
  ALL;

  /** The endpoints with {@code first} first (added if not among them), the rest in order after it, to fail over to. */
  public static List<String> startingAt(String first, List<String> endpoints) {
    List<String> ordered = new ArrayList<>(List.of(first));
    int at = endpoints.indexOf(first);
    for (int i = 1; i <= endpoints.size(); i++) {
      String next = endpoints.get(Math.floorMod(at + i, endpoints.size()));
      if (!ordered.contains(next)) ordered.add(next);
    }
    return ordered;
  }
}
