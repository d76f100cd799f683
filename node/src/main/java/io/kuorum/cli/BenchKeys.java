package io.kuorum.cli;

import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The keys of {@code kuorumctl bench}: key {@code n} is {@code n} in decimal, zero-padded to the key size. */
final class BenchKeys {

  private BenchKeys() {}

  static void check(CommandLine cmd, long keySpace, int keySize) {
    int digits = Long.toString(keySpace - 1).length();
    if (keySize < digits) {
      throw new ParameterException(cmd, "--key-size " + keySize + " cannot number " + keySpace + " keys: use at least " + digits);
    }
  }

  static byte[] key(long n, int size) {
    String digits = Long.toString(n);
    StringBuilder b = new StringBuilder(size);
    for (int i = digits.length(); i < size; i++) b.append('0');
    return b.append(digits).toString().getBytes(StandardCharsets.US_ASCII);
  }
}
