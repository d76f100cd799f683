package io.kuorum.cli;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces, for terminal output. */
final class TextTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  TextTable addRow(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, table has " + headers.size() + " columns");
    }
    rows.add(cells.stream().map(TextTable::printable).toList());
    return this;
  }

  /** The table, one line per row after the header, each line ending in a newline. */
  String render() {
    int[] widths = new int[headers.size()];
    for (List<String> row : allRows()) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    var text = new StringBuilder();
    for (List<String> row : allRows()) {
      var line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        line.append(row.get(c));
        if (c < row.size() - 1) {
          line.append(" ".repeat(widths[c] - row.get(c).length() + 2));
        }
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  private List<List<String>> allRows() {
    var all = new ArrayList<List<String>>();
    all.add(headers);
    all.addAll(rows);
    return all;
  }

  /** Control characters would break the layout; show them escaped. */
  private static String printable(String cell) {
    var out = new StringBuilder();
    for (char c : cell.toCharArray()) {
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
