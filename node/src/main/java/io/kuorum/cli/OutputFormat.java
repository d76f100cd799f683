package io.kuorum.cli;

/** How results are printed: for people, or for programs. */
enum OutputFormat {
  TABLE,
  JSON
}
