package io.kuorum.cli;

import picocli.CommandLine.Command;

/** Load generators against a running cluster; numbers for BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Generates load against the cluster and reports throughput and latency.",
    subcommands = {BenchPutCommand.class, BenchGetCommand.class, BenchMixedCommand.class})
final class BenchCommand {}
