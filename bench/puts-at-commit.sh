#!/usr/bin/env bash
# bench/puts-at-commit.sh COMMIT [LABEL] -- put throughput and latency of the node as built at COMMIT.
#
# Builds COMMIT in a temporary git worktree, starts a local 3-node cluster from it (data in a temporary
# directory), warms the JITs up (20 s of puts from 256 clients, 5 s from 1, thrown away), then runs
# 'kuorumctl bench put' twice with 1 client for 8 s and twice with 256 clients for 10 s, and prints the
# four result lines prefixed with LABEL (default: the short commit). Stops the cluster and removes the
# worktree afterwards. How BENCHMARKS.md measured each change of the write path before and after; run the
# commits one after the other, never two at once (they use the same ports and would share the cores).
set -euo pipefail

commit=${1:?usage: bench/puts-at-commit.sh COMMIT [LABEL]}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
label=${2:-$(git -C "$root" rev-parse --short "$commit")}
work=$(mktemp -d /tmp/kuorum-puts-at.XXXXXX)
tree="$work/tree"

cleanup() {
  pkill -f "java.*$tree.*ServerMain" 2>/dev/null || true
  git -C "$root" worktree remove --force "$tree" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git -C "$root" worktree add --detach "$tree" "$commit" >/dev/null
echo "building $commit ($label)..." >&2
(cd "$tree" && ./mvnw -q -B -DskipTests package -pl node) >&2
(cd "$tree" && exec bin/kuorum local --data "$work/data" >"$work/cluster.log" 2>&1) &
endpoints=127.0.0.1:7379,127.0.0.1:7389,127.0.0.1:7399
for _ in $(seq 1 60); do
  if "$tree/bin/kuorumctl" --endpoints "$endpoints" status >/dev/null 2>&1; then break; fi
  sleep 1
done

bench() { "$tree/bin/kuorumctl" --endpoints "$endpoints" bench put "$@" 2>/dev/null; }
bench --clients 256 --duration 20s >/dev/null
bench --clients 1 --duration 5s >/dev/null
for clients in 1 1 256 256; do
  seconds=$([ "$clients" = 1 ] && echo 8 || echo 10)
  echo "$label $(bench --clients "$clients" --duration "${seconds}s")"
done
