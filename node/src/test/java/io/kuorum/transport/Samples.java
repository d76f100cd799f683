package io.kuorum.transport;

import io.kuorum.raft.Configuration;
import io.kuorum.raft.ConfigurationEntry;
import io.kuorum.raft.Entry;
import io.kuorum.raft.Message;
import io.kuorum.raft.Message.AppendEntries;
import io.kuorum.raft.Message.AppendResponse;
import io.kuorum.raft.Message.Heartbeat;
import io.kuorum.raft.Message.HeartbeatResponse;
import io.kuorum.raft.Message.ReadIndexRequest;
import io.kuorum.raft.Message.ReadIndexResponse;
import io.kuorum.raft.Message.RequestVote;
import io.kuorum.raft.Message.TimeoutNow;
import io.kuorum.raft.Message.VoteResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** One message of every kind, with non-default field values so a lost field shows. */
final class Samples {
  private Samples() {}

  static List<Message> allKinds(long from, long to) {
    byte[] big = new byte[3 << 20]; // larger than a flow-control window
    Arrays.fill(big, (byte) 7);
    return List.of(
        new RequestVote(from, to, 5, 41, 4, false, false),
        new RequestVote(from, to, 6, 41, 4, true, false),
        new VoteResponse(from, to, 5, true, false),
        new VoteResponse(from, to, 6, false, true),
        new AppendEntries(from, to, 5, 40, 4, List.of(), 38),
        new AppendEntries(from, to, 5, 40, 4, List.of(
            Entry.command(41, 4, bytes("put a 1")),
            Entry.noop(42, 5),
            Entry.command(43, 5, new byte[0]),
            Entry.command(44, 5, big),
            Entry.config(45, 5, new ConfigurationEntry(new Configuration(new TreeSet<>(Set.of(1L, 2L, 4L)),
                new TreeSet<>(Set.of(5L)), new TreeSet<>(Set.of(1L, 2L, 3L))), bytes("addresses")))), 41),
        new AppendResponse(from, to, 5, true, 44, 0, 0),
        new AppendResponse(from, to, 5, false, 40, 37, 3),
        new Heartbeat(from, to, 5, 44, 7, 12),
        new TimeoutNow(from, to, 5),
        new RequestVote(from, to, 6, 45, 5, false, true),
        new HeartbeatResponse(from, to, 5, 7, 12),
        new ReadIndexRequest(from, to, 5, 99),
        new ReadIndexResponse(from, to, 5, 99, 44));
  }

  static Heartbeat heartbeat(long from, long to, long commit) {
    return new Heartbeat(from, to, 1, commit, 0);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
