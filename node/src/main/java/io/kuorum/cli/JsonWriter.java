package io.kuorum.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes compact JSON, escaping strings per RFC 8259. Written by hand to keep the CLI free of a
 * JSON library; it only writes, and the caller nests begin/end calls correctly. Public for the
 * benchmark module, which writes its results with it in the same shape as {@code kuorumctl bench}.
 */
public final class JsonWriter {
  private final StringBuilder out = new StringBuilder();
  /** Per open container: whether it still has no element (no comma needed). */
  private final Deque<Boolean> empty = new ArrayDeque<>();
  private boolean afterName;

  public JsonWriter beginObject() {
    separate();
    out.append('{');
    empty.push(true);
    return this;
  }

  public JsonWriter endObject() {
    empty.pop();
    out.append('}');
    return this;
  }

  public JsonWriter beginArray() {
    separate();
    out.append('[');
    empty.push(true);
    return this;
  }

  public JsonWriter endArray() {
    empty.pop();
    out.append(']');
    return this;
  }

  public JsonWriter name(String name) {
    separate();
    appendString(name);
    out.append(':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String value) {
    separate();
    appendString(value);
    return this;
  }

  public JsonWriter value(long value) {
    separate();
    out.append(value);
    return this;
  }

  /** A finite number, rounded to 3 decimals (milliseconds to the microsecond, rates to the thousandth). */
  public JsonWriter value(double value) {
    if (!Double.isFinite(value)) throw new IllegalArgumentException("JSON has no " + value);
    separate();
    out.append(java.math.BigDecimal.valueOf(value).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
    return this;
  }

  public JsonWriter value(boolean value) {
    separate();
    out.append(value);
    return this;
  }

  public JsonWriter nullValue() {
    separate();
    out.append("null");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void separate() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (!empty.isEmpty()) {
      if (!empty.pop()) {
        out.append(',');
      }
      empty.push(false);
    }
  }

  private void appendString(String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || isLoneSurrogate(value, i)) {
            // Control characters must be escaped; the line separators and lone surrogates are
            // escaped too so the output survives JavaScript parsers and UTF-8 encoding intact.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
