package io.kuorum.cli;

import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The keys of {@code kuorumctl bench}: key {@code n} is {@code n} in decimal, zero-padded to the key size.
 * Public for the etcd comparison of the bench module, which sends both systems the same keys.
 */
public final class BenchKeys {

  private BenchKeys() {}

  static void check(CommandLine cmd, long keySpace, int keySize) {
    int digits = Long.toString(keySpace - 1).length();
    if (keySize < digits) {
      throw new ParameterException(cmd, "--key-size " + keySize + " cannot number " + keySpace + " keys: use at least " + digits);
    }
  }

  /** How many keys {@code size} digits can number: the key space of a run for a duration. */
  public static long numberable(int size) {
    if (size >= 19) return Long.MAX_VALUE;
    long p = 1;
    for (int i = 0; i < size; i++) p *= 10;
    return p;
  }

  public static byte[] key(long n, int size) {
    String digits = Long.toString(n);
    StringBuilder b = new StringBuilder(size);
    for (int i = digits.length(); i < size; i++) b.append('0');
    return b.append(digits).toString().getBytes(StandardCharsets.US_ASCII);
  }
}
