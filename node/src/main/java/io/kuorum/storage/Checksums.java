package io.kuorum.storage;

import java.util.zip.CRC32C;

/** CRC32C over a record and a salt that says where it belongs, so a record copied to the wrong key fails too. */
final class Checksums {

  private Checksums() {}

  static int crc32c(byte[] salt, byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(salt);
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  static byte[] saltOf(long index) {
    byte[] salt = new byte[Long.BYTES];
    for (int i = 0; i < Long.BYTES; i++) salt[i] = (byte) (index >>> (56 - 8 * i));
    return salt;
  }

  static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }

  static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
