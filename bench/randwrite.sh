#!/usr/bin/env bash
# gush against fio: 4 KiB random writes, O_DIRECT, 1 GiB region, time-based,
# at depth 32 (io_uring) and depth 1 (psync), in interleaved rounds; prints
# each run and the medians of IOPS, write p99, CPU per I/O and the mean
# writes in flight (Little's law: IOPS times the mean latency).
#
#   bench/randwrite.sh [DIR]      (ROUNDS=3 RUNTIME=20 DEPTHS="32 1" by default)
#
# BASE=path/to/another/gush adds it to every round as "base" (a build from
# before a change, say), with its ratios to fio as well.
#
# The file is laid out once (a full sequential write), so both tools
# overwrite the same allocated blocks; it is deleted at the end.
#
# The in_flight column counts a write from its submission until the tool
# takes its completion, so it is not the disk's queue: fio takes
# completions only once all its iodepth slots are used (backend.c,
# do_io's `reap:`), so its finished writes wait there and count, while
# gush takes them after every submit. What the disk really holds is
# bench/uring_stages.py's "in it" for issue->done.
#
# PIN=CPU runs both tools under `taskset -c CPU`. Where a tool runs next
# to the CPU taking the disk's interrupts (see /proc/interrupts) decides
# much of its IOPS on a small VM, for fio as for gush (bench/randwrite.md,
# 2026-12-05): pinning both off that CPU compares the tools, not where
# the scheduler put them.
set -euo pipefail
DIR=${1:-/var/tmp}
ROUNDS=${ROUNDS:-3}
DEPTHS=${DEPTHS:-32 1}
BASE=${BASE:-}
RUNTIME=${RUNTIME:-20}
GUSH=${GUSH:-$(dirname "$0")/../target/release/gush}
F="$DIR/gush-randwrite-bench"
PIN=${PIN:-}
ON=(); [ -n "$PIN" ] && ON=(taskset -c "$PIN")
trap 'rm -f "$F" "$F.json" "$F.time"' EXIT
command -v fio >/dev/null || { echo "fio is needed: apt-get install -y fio" >&2; exit 1; }
"$GUSH" bytes --fill random -s 1GiB --direct --queue-depth 16 -o "$F" --force --quiet

# One run; prints "tool depth iops p99_us cpu_us_per_io in_flight". Both
# latencies run from the kernel taking the write to its completion being
# seen: fio's clat (its io_uring engine stamps an I/O once the submitting
# call returns) and gush's write latency.
run() {
  local tool=$1 depth=$2
  if [ "$tool" = fio ]; then
    local engine=io_uring; [ "$depth" = 1 ] && engine=psync
    /usr/bin/time -f "%U %S" -o "$F.time" "${ON[@]}" fio --name=w --filename="$F" --rw=randwrite --bs=4k \
      --size=1g --direct=1 --ioengine=$engine --iodepth="$depth" --runtime="$RUNTIME" \
      --time_based --output-format=json --output="$F.json" >/dev/null
    python3 - "$F.json" "$F.time" "$depth" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["jobs"][0]["write"]
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
c = w['clat_ns']
print(f"fio  {sys.argv[3]:>2} {w['iops']:9.0f} {c['percentile']['99.000000']/1000:9.0f} {1e6*(u+s)/w['total_ios']:7.2f} {w['iops']*c['mean']/1e9:5.1f}")
PY
  else
    local bin=$GUSH; [ "$tool" = base ] && bin=$BASE
    /usr/bin/time -f "%U %S" -o "$F.time" "${ON[@]}" "$bin" bytes --fill random -s 1GiB --pattern random \
      --bs 4k --direct --queue-depth "$depth" -t "${RUNTIME}s" -o "$F" --force \
      --stats-file "$F.json" --quiet
    python3 - "$F.json" "$F.time" "$depth" "$tool" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
l = j['write_lat_ns']
iops = j['writes'] / j['elapsed_s']
print(f"{sys.argv[4]:4} {sys.argv[3]:>2} {iops:9.0f} {l['percentile']['99.000000']/1000:9.0f} {1e6*(u+s)/j['writes']:7.2f} {iops*l['mean']/1e9:5.1f}")
PY
  fi
}

echo "tool depth      iops   p99_us cpu_us/io in_flight"
results=$(for depth in $DEPTHS; do
  for round in $(seq "$ROUNDS"); do
    run gush "$depth"; [ -n "$BASE" ] && run base "$depth"; run fio "$depth"
  done
done | tee /dev/stderr)
echo "medians:"
echo "$results" | python3 -c '
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in sys.stdin:
    tool, depth, *vals = line.split()
    rows[(tool, depth)].append(list(map(float, vals)))
for (tool, depth), runs in sorted(rows.items(), key=lambda r: (-int(r[0][1]), r[0][0])):
    med = [statistics.median(col) for col in zip(*runs)]
    print(f"{tool:4} {depth:>2} {med[0]:9.0f} {med[1]:9.0f} {med[2]:7.2f} {med[3]:5.1f}")
for depth in sorted({d for _, d in rows}, key=int, reverse=True):
    f = [statistics.median(c) for c in zip(*rows[("fio", depth)])]
    for tool in ("gush", "base"):
        if (tool, depth) not in rows:
            continue
        g = [statistics.median(c) for c in zip(*rows[(tool, depth)])]
        print(f"{tool} depth {depth}: IOPS {g[0]/f[0]:.2f}x fio, p99 {g[1]/f[1]:.2f}x, CPU/IO {g[2]/f[2]:.2f}x")
'
