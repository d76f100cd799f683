package io.kuorum.raft.sim;

import io.kuorum.check.KvInput;
import io.kuorum.check.KvOutput;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** A client operation as it travels through the log of the simulated cluster, and its effect on a map. */
record KvCommand(long opId, String key, KvInput input) {

  private static final String SEP = "\u0001";
  private static final String ABSENT = "\u0002";

  byte[] encode() {
    String body;
    if (input instanceof KvInput.Put p) body = "P" + SEP + p.value();
    else if (input instanceof KvInput.Cas c) body = "C" + SEP + c.expected().orElse(ABSENT) + SEP + c.newValue();
    else body = "G";
    return (opId + SEP + key + SEP + body).getBytes(StandardCharsets.UTF_8);
  }

  static KvCommand decode(byte[] data) {
    String[] f = new String(data, StandardCharsets.UTF_8).split(SEP, -1);
    KvInput input = switch (f[2]) {
      case "P" -> new KvInput.Put(f[3]);
      case "C" -> new KvInput.Cas(ABSENT.equals(f[3]) ? Optional.empty() : Optional.of(f[3]), f[4]);
      default -> new KvInput.Get();
    };
    return new KvCommand(Long.parseLong(f[0]), f[1], input);
  }

  /** Applies this command to {@code state} and returns what the client sees. */
  KvOutput applyTo(Map<String, String> state) {
    if (input instanceof KvInput.Put p) {
      state.put(key, p.value());
      return new KvOutput.PutDone();
    }
    if (input instanceof KvInput.Cas c) {
      boolean ok = Optional.ofNullable(state.get(key)).equals(c.expected());
      if (ok) state.put(key, c.newValue());
      return new KvOutput.CasResult(ok);
    }
    return new KvOutput.GetResult(Optional.ofNullable(state.get(key)));
  }
}
