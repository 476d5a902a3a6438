#!/usr/bin/env bash
# The network benchmark of issue 5, over TCP loopback into `gush catch`:
#   1. 256-byte lines: gush lines vs syslog-ng's loggen (messages per second)
#   2. raw bytes: gush bytes vs `head -c | socat` (bytes per second)
# Each pair runs in one hyperfine invocation against one `gush catch --keep`,
# which also times every connection from its side (accept to close), the
# fairer figure: loggen spends time before and after sending that the wall
# clock counts. Needs loggen (syslog-ng-core), socat, hyperfine, python3.
# Results: bench/network.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
gush=$PWD/target/release/gush
runs=${RUNS:-10}
lines_gush=${LINES_GUSH:-20000000}
lines_loggen=${LINES_LOGGEN:-2000000}
bytes=${BYTES:-4294967296}
out=$(mktemp -d)

"$gush" catch --listen 127.0.0.1:0 --keep --stats-file "$out/catch.json" 2>"$out/catch.err" &
catcher=$!
trap 'kill $catcher 2>/dev/null || true; rm -rf "$out"' EXIT
until grep -q listening "$out/catch.err"; do sleep 0.05; done
port=$(grep -o '[0-9]*$' "$out/catch.err" | head -1)

# 255 bytes and a newline: a syslog-looking line as long as loggen's -s 256.
line=$(python3 -c "print('<13>1 2024-01-01T00:00:00Z host app - - - ' + 'x' * 213)")

hyperfine --warmup 1 --runs "$runs" --export-json "$out/lines.json" \
  -n loggen "loggen --inet --stream -s 256 -r 100000000 -n $lines_loggen 127.0.0.1 $port" \
  -n gush "$gush lines '$line' -n $lines_gush -o tcp://127.0.0.1:$port"
hyperfine --warmup 1 --runs "$runs" --export-json "$out/bytes.json" \
  -n socat "head -c $bytes /dev/zero | socat - TCP:127.0.0.1:$port" \
  -n gush "$gush bytes -s $bytes -o tcp://127.0.0.1:$port"

# loggen's own figure (it times only its sending), the kindest to it.
for _ in 1 2 3; do
  loggen --inet --stream -s 256 -r 100000000 -n "$lines_loggen" 127.0.0.1 "$port" 2>&1 |
    sed -n 's/^average rate = \([0-9.]*\) msg\/sec.*/\1/p'
done >"$out/loggen-own.txt"
kill -INT $catcher
wait $catcher || true

python3 - "$out" "$lines_loggen" "$lines_gush" "$bytes" "$runs" <<'PY'
import json, statistics, sys
out, loggen_n, gush_n, size, runs = sys.argv[1], *map(int, sys.argv[2:])
def medians(name):
    return {r["command"]: r["median"] for r in json.load(open(f"{out}/{name}.json"))["results"]}
lines, raw = medians("lines"), medians("bytes")
# Connections in hyperfine's order, warm-up included: loggen, gush, socat, gush.
conns = json.load(open(f"{out}/catch.json"))["per_connection"]
n = runs + 1
groups = [conns[i * n:(i + 1) * n][1:] for i in range(4)]
caught = [statistics.median(c["records"] / c["elapsed_s"] for c in g) for g in groups[:2]]
caught += [statistics.median(c["bytes_per_s"] for c in g) for g in groups[2:]]
print("wall clock (hyperfine medians):")
loggen, gush = loggen_n / lines["loggen"], gush_n / lines["gush"]
print(f"  256-byte lines: loggen {loggen/1e6:.2f}M msg/s, gush {gush/1e6:.2f}M lines/s: {gush/loggen:.1f}x")
socat, gush_bytes = size / raw["socat"], size / raw["gush"]
print(f"  raw bytes: socat {socat/2**30:.2f} GiB/s, gush {gush_bytes/2**30:.2f} GiB/s: {gush_bytes/socat:.1f}x")
print("receiver side (gush catch, accept to close, medians):")
print(f"  256-byte lines: loggen {caught[0]/1e6:.2f}M msg/s, gush {caught[1]/1e6:.2f}M lines/s: {caught[1]/caught[0]:.1f}x")
print(f"  raw bytes: socat {caught[2]/2**30:.2f} GiB/s, gush {caught[3]/2**30:.2f} GiB/s: {caught[3]/caught[2]:.1f}x")
own = statistics.median(float(x) for x in open(f"{out}/loggen-own.txt").read().split())
print(f"loggen's own average rate (median of 3): {own/1e6:.2f}M msg/s; gush (receiver side) {caught[1]/own:.1f}x")
PY
