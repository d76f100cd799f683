package io.kuorum.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations as people type them: {@code 5s}, {@code 500ms}, {@code 1.5s}, {@code 2m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String text) {
    Duration duration = parse(text.trim());
    if (duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException("'" + text + "' is not a positive duration");
    }
    return duration;
  }

  private static Duration parse(String text) {
    Matcher matcher = SIMPLE.matcher(text);
    if (matcher.matches()) {
      BigDecimal amount = new BigDecimal(matcher.group(1));
      long millisPerUnit =
          switch (matcher.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
          };
      return Duration.ofMillis(amount.multiply(BigDecimal.valueOf(millisPerUnit)).longValue());
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration: use e.g. 5s, 500ms, 1.5s or 2m");
    }
  }
}
