package io.kuorum.raft;

import java.util.Arrays;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The payload of a {@link Entry.Type#CONFIG} entry: the configuration the cluster moves to, and an
 * opaque {@code context} the core carries but never reads (the runtime keeps its members' addresses
 * there, so the log alone says who the members are and where to reach them).
 *
 * <p>Encoding, big-endian: version byte 1; then voters, learners and outgoing voters, each as an int
 * count followed by that many longs; then an int length and the context bytes.
 */
public record ConfigurationEntry(Configuration configuration, byte[] context) {

  private static final byte VERSION = 1;

  public ConfigurationEntry {
    if (configuration == null || context == null) throw new IllegalArgumentException("configuration and context are required");
  }

  public byte[] encode() {
    Configuration c = configuration;
    int size = 1 + 12 + 8 * (c.voters().size() + c.learners().size() + c.outgoing().size()) + 4 + context.length;
    byte[] out = new byte[size];
    int at = 0;
    out[at++] = VERSION;
    at = putIds(out, at, c.voters());
    at = putIds(out, at, c.learners());
    at = putIds(out, at, c.outgoing());
    at = putInt(out, at, context.length);
    for (byte b : context) out[at++] = b;
    return out;
  }

  /** Decodes a CONFIG entry's payload; a payload that is not one is a corrupt log, reported as such. */
  public static ConfigurationEntry decode(byte[] data) {
    Reader in = new Reader(data);
    byte version = in.bytes(1)[0];
    if (version != VERSION) throw new IllegalArgumentException("unknown configuration entry version " + version);
    SortedSet<Long> voters = in.ids();
    SortedSet<Long> learners = in.ids();
    SortedSet<Long> outgoing = in.ids();
    byte[] context = in.bytes(in.count());
    if (in.at != data.length) throw new IllegalArgumentException("configuration entry has " + (data.length - in.at) + " trailing bytes");
    return new ConfigurationEntry(new Configuration(voters, learners, outgoing), context);
  }

  private static int putIds(byte[] out, int at, SortedSet<Long> ids) {
    at = putInt(out, at, ids.size());
    for (long id : ids) {
      for (int shift = 56; shift >= 0; shift -= 8) out[at++] = (byte) (id >>> shift);
    }
    return at;
  }

  private static int putInt(byte[] out, int at, int v) {
    for (int shift = 24; shift >= 0; shift -= 8) out[at++] = (byte) (v >>> shift);
    return at;
  }

  private static final class Reader {
    private final byte[] data;
    private int at;

    Reader(byte[] data) {
      this.data = data;
    }

    byte[] bytes(int n) {
      if (n < 0 || n > data.length - at) {
        throw new IllegalArgumentException("configuration entry truncated: wanted " + n + " bytes at offset " + at + " of " + data.length);
      }
      byte[] out = Arrays.copyOfRange(data, at, at + n);
      at += n;
      return out;
    }

    int count() {
      byte[] b = bytes(4);
      return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    SortedSet<Long> ids() {
      int n = count();
      if (n < 0 || n > (data.length - at) / 8) throw new IllegalArgumentException("configuration entry has a bad member count " + n);
      SortedSet<Long> ids = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        long id = 0;
        for (byte b : bytes(8)) id = (id << 8) | (b & 0xff);
        ids.add(id);
      }
      return ids;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigurationEntry e && e.configuration.equals(configuration) && Arrays.equals(e.context, context);
  }

  @Override
  public int hashCode() {
    return 31 * configuration.hashCode() + Arrays.hashCode(context);
  }

  @Override
  public String toString() {
    return "ConfigurationEntry[" + configuration + ", context " + context.length + "B]";
  }
}
