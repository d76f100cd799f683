#!/usr/bin/env bash
# Kuorum side by side with etcd 3.4 on this machine (issue 7): the same load generator with two backends
# (Kuorum's Java client; etcd's, jetcd 0.8.5), the same workloads (the shape of etcd's published
# performance table), one system loaded at a time.
#
#   bench/compare-etcd.sh [--quick] [--reps N] [--seconds S] [--warmup S] [--server-warmup S] [--max-conns N]
#                         [--out FILE.md] [--no-build] [--keep]
#
#   --quick        smoke test: 1 repetition of 3 s runs (1 s warm-up, 3 s server warm-up), four workloads
#   --reps N       repetitions of every workload and system (default 3); the systems alternate, the
#                  report gives medians
#   --seconds S    length of each measured run (default 10); --warmup S: of the warm-up before it, in
#                  the same load generator process, thrown away (default 5)
#   --server-warmup S  before the first workload, S seconds of puts (64 clients) to each system, thrown
#                  away, so that the JVMs of the Kuorum nodes are warm too (default 20)
#   --max-conns N  connections: one per client up to N, shared round-robin beyond (default 16)
#   --out FILE.md  the report (default bench/results/compare-DATE.md); the raw JSON lines of every run
#                  go beside it as FILE.jsonl
#   --no-build     use the jars already built (./mvnw -Pbench -DskipTests package)
#   --keep         keep the work directory (data and logs of both clusters) instead of deleting it
#
# What it does: installs etcd (Debian package etcd-server) if `etcd` is not on PATH; builds the node
# and the bench modules; starts a 3-member etcd on 127.0.0.1 (clients 2379/2389/2399, peers
# 2380/2390/2400) and a 3-node Kuorum (clients 27379/27389/27399, peers 27380/..., metrics 29380/...;
# ports of its own so as not to meet a `bin/kuorum local` cluster), both with their data under one
# temporary directory in /tmp (one filesystem), both with default settings. Durability is alike: etcd
# fsyncs its WAL before it acknowledges, Kuorum fsyncs its journal (fdatasync) before it acknowledges.
# Then for every workload, repetition and system in turn it runs the load generator (a fresh JVM:
# warm-up, then the measured run), which prints one JSON line: rate, latency percentiles, failed
# operations, the longest window without a success, and the CPU seconds of each member and of itself
# during the measured run (from /proc/PID/stat). The failover run SIGKILLs the leader a third into
# the run; the killed member is started again and caught up before the next run. Both clusters stay up
# throughout; the one not under load is idle. Takes about 22 minutes with the defaults, 2 with --quick.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
args="$*"
reps=3 seconds=10 warmup=5 server_warmup=20 max_conns=16 out="" build=1 keep="" quick=""
for arg in "$@"; do [ "$arg" = "--quick" ] && quick=1 && reps=1 seconds=3 warmup=1 server_warmup=3; done
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) shift ;;
    --reps) reps="${2:?--reps needs a number}"; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a number}"; shift 2 ;;
    --server-warmup) server_warmup="${2:?--server-warmup needs a number}"; shift 2 ;;
    --max-conns) max_conns="${2:?--max-conns needs a number}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --no-build) build=""; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "compare-etcd: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$reps" in ''|*[!0-9]*|0) echo "compare-etcd: --reps must be a positive number" >&2; exit 2 ;; esac
case "$max_conns" in ''|*[!0-9]*|0) echo "compare-etcd: --max-conns must be a positive number" >&2; exit 2 ;; esac
if ! awk -v s="$seconds" -v w="$warmup" -v v="$server_warmup" 'BEGIN { exit !(s > 0 && w >= 0 && v > 0) }'; then
  echo "compare-etcd: --seconds and --server-warmup must be positive, --warmup not negative" >&2; exit 2
fi
kill_after="$(awk -v s="$seconds" 'BEGIN { printf "%.1f", s / 3 }')"

# The workloads: name, then the load generator's options. Gets read 10,000 keys written beforehand.
workloads=(
  "put-1 --op put --clients 1 --target leader"
  "put-16-leader --op put --clients 16 --target leader"
  "put-16-all --op put --clients 16 --target all"
  "put-64-leader --op put --clients 64 --target leader"
  "put-64-all --op put --clients 64 --target all"
  "put-256-leader --op put --clients 256 --target leader"
  "put-256-all --op put --clients 256 --target all"
  "get-linearizable-1 --op get --consistency linearizable --clients 1 --target leader --key-space 10000"
  "get-linearizable-256 --op get --consistency linearizable --clients 256 --target all --key-space 10000"
  "get-serializable-1 --op get --consistency serializable --clients 1 --target leader --key-space 10000"
  "get-serializable-256 --op get --consistency serializable --clients 256 --target all --key-space 10000"
  "failover-16 --op put --clients 16 --target leader --kill-leader-after $kill_after"
)
if [ -n "$quick" ]; then
  workloads=("${workloads[0]}" "${workloads[4]}" "${workloads[8]}" "${workloads[11]}")
fi

stamp="$(date +%Y%m%d-%H%M%S)"
out="${out:-$root/bench/results/compare-$stamp.md}"
raw="${out%.md}.jsonl"
mkdir -p "$(dirname "$out")"
: >"$raw"
started=$SECONDS

# --- etcd ------------------------------------------------------------------------------------------
if ! command -v etcd >/dev/null; then
  echo "== installing etcd (Debian package etcd-server)" >&2
  apt-get install -y etcd-server >/dev/null || { apt-get update >/dev/null && apt-get install -y etcd-server >/dev/null; }
fi
etcd_version="$(etcd --version | head -n 1)"
case "$etcd_version" in *" 3.4."*) ;; *) echo "compare-etcd: warning: expected etcd 3.4, found: $etcd_version" >&2 ;; esac

# --- build -----------------------------------------------------------------------------------------
if [ -n "$build" ]; then
  echo "== building the node and the load generator (./mvnw -Pbench -DskipTests package)" >&2
  (cd "$root" && ./mvnw -q -B -Pbench -DskipTests package) >&2
fi
jar_of() { compgen -G "$1/target/$2-*.jar" | head -n 1; }
kuorum_cp="$(jar_of "$root/bench" kuorum-bench):$root/bench/target/lib/*"
etcd_cp="$(jar_of "$root/bench/etcd" kuorum-bench-etcd):$root/bench/etcd/target/lib/*"

# --- the clusters ----------------------------------------------------------------------------------
work="$(mktemp -d /tmp/kuorum-compare.XXXXXX)"
declare -A pid
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
etcd_client() { echo $((2379 + 10 * ($1 - 1))); }
etcd_peer() { echo $((2380 + 10 * ($1 - 1))); }
kuorum_client() { echo $((27379 + 10 * ($1 - 1))); }
kuorum_peer() { echo $((27380 + 10 * ($1 - 1))); }
kuorum_metrics() { echo $((29380 + 10 * ($1 - 1))); }
etcd_cluster="" kuorum_members="" endpoints_etcd="" endpoints_kuorum=""
for i in 1 2 3; do
  etcd_cluster+="${etcd_cluster:+,}etcd$i=http://127.0.0.1:$(etcd_peer "$i")"
  kuorum_members+="${kuorum_members:+,}$i=127.0.0.1:$(kuorum_peer "$i")/$(kuorum_client "$i")"
  endpoints_etcd+="${endpoints_etcd:+,}127.0.0.1:$(etcd_client "$i")"
  endpoints_kuorum+="${endpoints_kuorum:+,}127.0.0.1:$(kuorum_client "$i")"
  for p in "$(etcd_client "$i")" "$(etcd_peer "$i")" "$(kuorum_client "$i")" "$(kuorum_peer "$i")" "$(kuorum_metrics "$i")"; do
    if port_open "$p"; then echo "compare-etcd: port $p is in use; stop what listens there first" >&2; rm -rf "$work"; exit 1; fi
  done
done

cleanup() {
  local p running=() waited=0
  for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null && running+=("$p"); done
  while [ ${#running[@]} -gt 0 ] && [ $waited -lt 200 ]; do
    sleep 0.1; waited=$((waited + 1))
    local still=()
    for p in "${running[@]}"; do alive "$p" && still+=("$p"); done
    running=(${still[@]+"${still[@]}"})
  done
  for p in ${running[@]+"${running[@]}"}; do kill -KILL "$p" 2>/dev/null || true; done
  if [ -n "$keep" ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Member i of a system, started (or started again, on its data) in the background: pid[system-i].
start_member() {
  local system="$1" i="$2"
  if [ "$system" = etcd ]; then
    etcd --name "etcd$i" --data-dir "$work/etcd-$i" --logger zap \
      --listen-client-urls "http://127.0.0.1:$(etcd_client "$i")" --advertise-client-urls "http://127.0.0.1:$(etcd_client "$i")" \
      --listen-peer-urls "http://127.0.0.1:$(etcd_peer "$i")" --initial-advertise-peer-urls "http://127.0.0.1:$(etcd_peer "$i")" \
      --initial-cluster "$etcd_cluster" --initial-cluster-state new --initial-cluster-token kuorum-compare \
      >>"$work/etcd-$i.log" 2>&1 &
  else
    # what 'bin/kuorum local' runs for node i, on this script's ports
    "$root/bin/kuorum" server --id "$i" --cluster-id local --members "$kuorum_members" --data "$work/kuorum/node-$i" \
      --listen-client "127.0.0.1:$(kuorum_client "$i")" --listen-peer "127.0.0.1:$(kuorum_peer "$i")" \
      --listen-metrics "127.0.0.1:$(kuorum_metrics "$i")" --tick-ms 50 >>"$work/kuorum-$i.log" 2>&1 &
  fi
  pid[$system-$i]=$!
  disown "$!" # killed on purpose by the failover run: no job notice
}
# Whether process $1 runs (not gone, not a zombie).
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat"; }
client_port() { if [ "$1" = etcd ]; then etcd_client "$2"; else kuorum_client "$2"; fi; }
await_port() {
  local system="$1" i="$2" waited=0
  until port_open "$(client_port "$system" "$i")"; do
    if ! alive "${pid[$system-$i]}" || [ $waited -gt 600 ]; then
      echo "compare-etcd: $system member $i did not start; its log ($work/$system-$i.log) ends with:" >&2
      tail -n 5 "$work/$system-$i.log" >&2
      exit 1
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

echo "== starting etcd and Kuorum, 3 members each, data under $work" >&2
mkdir -p "$work/kuorum"
for system in etcd kuorum; do for i in 1 2 3; do start_member "$system" "$i"; done; done
for system in etcd kuorum; do for i in 1 2 3; do await_port "$system" "$i"; done; done

# --- the runs --------------------------------------------------------------------------------------
# One run of the load generator against a system; its JSON line goes to $raw, its progress to the log.
loadgen() {
  local system="$1" main cp endpoints pids="" i
  shift
  if [ "$system" = etcd ]; then main=io.kuorum.bench.etcd.EtcdCompare cp="$etcd_cp" endpoints="$endpoints_etcd"
  else main=io.kuorum.bench.KuorumCompare cp="$kuorum_cp" endpoints="$endpoints_kuorum"; fi
  for i in 1 2 3; do pids+="${pids:+,}127.0.0.1:$(client_port "$system" "$i")=${pid[$system-$i]}"; done
  java -cp "$cp" "$main" --endpoints "$endpoints" --pids "$pids" --max-conns "$max_conns" "$@" 2>>"$work/loadgen.log"
}

# Starts again every member of the system that is not running (the failover run killed the leader)
# and waits until it has caught up with the leader.
restart_dead() {
  local system="$1" i
  for i in 1 2 3; do
    if ! alive "${pid[$system-$i]}"; then
      echo "   starting $system member $i again" >&2
      start_member "$system" "$i"
      await_port "$system" "$i"
      loadgen "$system" --await-member "127.0.0.1:$(client_port "$system" "$i")" >/dev/null ||
        echo "compare-etcd: warning: $system member $i did not catch up (see $work/loadgen.log)" >&2
    fi
  done
}

field() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -n 1 | cut -d: -f2; }

run() { # system workload rep options...
  local system="$1" name="$2" rep="$3" line
  shift 3
  if line="$(loadgen "$system" --workload "$name" --rep "$rep" --seconds "$seconds" --warmup-seconds "$warmup" "$@")"; then
    echo "$line" >>"$raw"
    printf '   %-6s %-22s rep %d: %8.0f ops/s, p50 %s ms, p99 %s ms, failed %s, longest gap %s ms\n' "$system" "$name" "$rep" \
      "$(field perSecond "$line")" "$(field p50Ms "$line")" "$(field p99Ms "$line")" "$(field failed "$line")" "$(field maxGapMs "$line")" >&2
  else
    echo "compare-etcd: warning: $system $name rep $rep failed (see $work/loadgen.log); left out of the medians" >&2
  fi
  restart_dead "$system"
}

echo "== warming up both systems: puts from 64 clients for $server_warmup s each, not measured" >&2
for system in etcd kuorum; do
  loadgen "$system" --workload server-warmup --op put --clients 64 --seconds "$server_warmup" --warmup-seconds 0 >/dev/null
done

preloaded=""
turn=0
for workload in "${workloads[@]}"; do
  read -r -a spec <<<"$workload"
  name="${spec[0]}"
  if [[ "$name" == get-* ]] && [ -z "$preloaded" ]; then
    echo "== preloading 10,000 keys into each system" >&2
    for system in etcd kuorum; do
      loadgen "$system" --workload preload --op put --clients 64 --total 10000 --key-space 10000 >>"$raw"
    done
    preloaded=1
  fi
  echo "== $name" >&2
  for ((rep = 1; rep <= reps; rep++)); do
    if [ $((turn % 2)) -eq 0 ]; then order=(etcd kuorum); else order=(kuorum etcd); fi
    turn=$((turn + 1))
    for system in "${order[@]}"; do run "$system" "$name" "$rep" "${spec[@]:1}"; done
  done
done

# --- the report ------------------------------------------------------------------------------------
elapsed=$((SECONDS - started))
{
  echo "# Kuorum and etcd 3.4 side by side ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Produced by \`bench/compare-etcd.sh${args:+ $args}\` in $((elapsed / 60)) min $((elapsed % 60)) s, at commit" \
    "\`$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$root" && git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')\`."
  echo
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(free -g | awk '/^Mem:/ { print $2 }') GB;"
  echo "  all 3 members of each system and the load generator share these cores. $(java -version 2>&1 | head -n 1); $etcd_version."
  echo "- $reps repetition(s) of every workload and system, alternating which system goes first; each run is a"
  echo "  fresh load generator JVM: a ${warmup} s warm-up (thrown away), then ${seconds} s measured. The numbers are medians."
  echo "  Before the first workload each system got ${server_warmup} s of puts (thrown away) to warm the Kuorum nodes' JIT."
  echo "- One system under load at a time; the other is up and idle. Both with default settings and their data on"
  echo "  the same filesystem. Both durable per write: etcd fsyncs its WAL, Kuorum its journal (fdatasync) before"
  echo "  acknowledging. etcd's history is compacted before each run (outside the measurement; 3.4 does not by default)."
  echo "- Same load generator (kuorumctl bench's LoadRun), two backends: Kuorum's Java client (session writes,"
  echo "  exactly once) and etcd's jetcd 0.8.5. Keys of 8 B (key i = i zero-padded), values of 256 B; puts over"
  echo "  10^8 keys, gets over 10,000 preloaded keys. One connection per client up to $max_conns, shared beyond."
  echo "  'to the leader': every connection starts at the leader; 'spread': connection j starts at member j mod 3."
  echo "  Kuorum followers redirect puts to the leader (the client follows); etcd followers forward them."
  echo "  etcd connections are jetcd Clients with the builder's defaults (pick_first over the endpoints, the target first)."
  echo "- Failover: 16 clients putting, the leader SIGKILLed ${kill_after} s into the run, then restarted afterwards."
  echo "  Default timeouts differ: etcd heartbeat 100 ms, election 1,000 ms; Kuorum (as 'bin/kuorum local' runs it)"
  echo "  ticks of 50 ms, heartbeat 2 ticks (100 ms), election 10 ticks (500 ms, randomized up to 1,000 ms)."
  echo
  java -cp "$kuorum_cp" io.kuorum.bench.CompareReport "$raw"
  echo
  echo "Raw results, one JSON line per run: \`$(basename "$raw")\`."
} >"$out"
cat "$out"
echo >&2
echo "report: $out; raw JSON lines: $raw; took $((elapsed / 60)) min $((elapsed % 60)) s" >&2
