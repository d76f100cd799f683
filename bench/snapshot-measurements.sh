#!/usr/bin/env bash
# Snapshot numbers for BENCHMARKS.md, on real node processes on loopback:
#   1. restart time of a node holding KEYS keys (default 1,000,000): a 3-node cluster is seeded from
#      one snapshot file with `bin/kuorum restore`, started, then one follower is stopped (SIGTERM) and
#      started again, and another is SIGKILLed and started again;
#   2. InstallSnapshot throughput between two local nodes: a fourth node joins as a learner and
#      catches up by snapshot; the leader logs the bytes sent and the time taken.
# Usage: bench/snapshot-measurements.sh [KEYS] [VALUE_BYTES]     (work files under /tmp, removed after)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keys="${1:-1000000}"
value_bytes="${2:-32}"
work="$(mktemp -d /tmp/kuorum-snapshot-measure.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && ./mvnw -q -B -DskipTests package -pl node) >&2
cp="$root/node/target/test-classes:$(compgen -G "$root/node/target/kuorum-node-*.jar" | head -n 1):$root/node/target/lib/*"
port() { echo $((17370 + 10 * $1 + $2)); } # node i: client port(i, 9), peer port(i, 10)
members=""
for i in 1 2 3; do members+="${members:+,}$i=127.0.0.1:$(port "$i" 10)/$(port "$i" 9)"; done
endpoints="127.0.0.1:$(port 1 9),127.0.0.1:$(port 2 9),127.0.0.1:$(port 3 9)"

now_ms() { date +%s%3N; }
log_ms() { date -d "$(cut -d' ' -f1 <<<"$1")" +%s%3N; } # the ISO timestamp a log line starts with
ctl() { java -cp "$cp" io.kuorum.cli.Kuorumctl --endpoints "$1" "${@:2}"; }
start_node() { # id [extra args...]: starts node i in the background, its log in $work/node-i.log
  local i="$1"
  shift
  java -cp "$cp" io.kuorum.server.ServerMain --cluster-id measure --members "$members" --data "$work/node-$i" \
    --listen-client "127.0.0.1:$(port "$i" 9)" --listen-peer "127.0.0.1:$(port "$i" 10)" "$@" >>"$work/node-$i.log" 2>&1 &
  pids[$i]=$!
  disown "${pids[$i]}" # killed on purpose here: no job-control notices
}
await_log() { # file pattern after-line: waits (up to 10 min) for a new matching line, prints it
  local deadline=$((SECONDS + 600)) line
  while [ $SECONDS -lt $deadline ]; do
    line="$(tail -n +"$3" "$1" 2>/dev/null | grep -m1 -E "$2" || true)"
    if [ -n "$line" ]; then echo "$line"; return 0; fi
    sleep 0.05
  done
  echo "timed out waiting for /$2/ in $1" >&2
  return 1
}
lines() { wc -l <"$1" 2>/dev/null || echo 0; }
applied() { ctl "127.0.0.1:$(port "$1" 9)" -o json status 2>/dev/null | grep -o '"appliedIndex":[0-9]*' | head -1 | cut -d: -f2; }

echo "== snapshot of $keys keys with $value_bytes B values"
java -Xmx2g -cp "$cp" io.kuorum.snapshot.SnapshotFixture "$keys" "$value_bytes" "$work/backup.snap"
for i in 1 2 3; do
  "$root/bin/kuorum" restore "$work/backup.snap" --data "$work/node-$i" --id "$i" --members "$members" --cluster-id measure >/dev/null
done

echo "== cold start of the seeded 3-node cluster"
t0="$(now_ms)"
for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do
  line="$(await_log "$work/node-$i.log" "serving clients" 1)"
  echo "node $i serving after $(($(log_ms "$line") - t0)) ms (process launch to gRPC up, snapshot loaded)"
done
until ctl "$endpoints" get key/00000001 >/dev/null 2>&1; do sleep 0.1; done
echo "cluster answers a linearizable read after $(($(now_ms) - t0)) ms"
ctl "$endpoints" put measure/after-start x >/dev/null

for how in TERM KILL; do
  victim=$([ "$how" = TERM ] && echo 3 || echo 2)
  # a follower: the leader may be any node, so pick one that is not it
  leader="$(ctl "$endpoints" -o json status | grep -o '"leaderId":[0-9]*' | head -1 | cut -d: -f2)"
  [ "$victim" = "$leader" ] && victim=1
  target="$(applied "$leader")"
  kill -"$how" "${pids[$victim]}"
  while kill -0 "${pids[$victim]}" 2>/dev/null; do sleep 0.05; done
  from="$(($(lines "$work/node-$victim.log") + 1))"
  t0="$(now_ms)"
  start_node "$victim"
  line="$(await_log "$work/node-$victim.log" "serving clients" "$from")"
  serving=$(($(log_ms "$line") - t0))
  until [ "$(applied "$victim" || echo 0)" -ge "$target" ] 2>/dev/null; do sleep 0.05; done
  echo "restart after SIG$how of follower $victim ($keys keys): serving after $serving ms, applied up to the leader's index $target after $(($(now_ms) - t0)) ms"
done

echo "== InstallSnapshot to a new member"
start_node 4
until [ -s "$work/node-4/member-id" ]; do sleep 0.05; done
joiner="$(cat "$work/node-4/member-id")"
leader="$(ctl "$endpoints" -o json status | grep -o '"leaderId":[0-9]*' | head -1 | cut -d: -f2)"
from="$(($(lines "$work/node-$leader.log") + 1))"
t0="$(now_ms)"
ctl "$endpoints" members add-learner "$joiner" "127.0.0.1:$(port 4 10)" --client-address "127.0.0.1:$(port 4 9)" >/dev/null
line="$(await_log "$work/node-$leader.log" "sent snapshot.* to node $joiner:" "$from")"
echo "leader: ${line#* - }"
bytes="$(grep -o ': [0-9]* bytes' <<<"$line" | grep -o '[0-9]*')"
millis="$(grep -o 'bytes in [0-9]* ms' <<<"$line" | grep -o '[0-9]*')"
awk -v b="$bytes" -v m="$millis" 'BEGIN { printf "InstallSnapshot: %.1f MB in %.2f s = %.1f MB/s\n", b / 1e6, m / 1e3, b / 1e6 / (m / 1e3) }'
await_log "$work/node-4.log" "loaded the leader's snapshot" 1 >/dev/null
until [ "$(applied 4 || echo 0)" -ge "$(applied "$leader")" ] 2>/dev/null; do sleep 0.05; done
echo "new member added, sent the snapshot, loaded it and caught up $(($(now_ms) - t0)) ms after add-learner"
