#!/usr/bin/env bash
# gush --jobs 2 against fio numjobs=2: 4 KiB random writes, O_DIRECT, depth
# 32 per job, two 512 MiB regions of one 1 GiB file (fio's size per job and
# offset_increment), time-based, in interleaved rounds; prints each run and
# the medians of the total IOPS, write p99 (fio's clat: see randwrite.sh),
# CPU per I/O and the writes in flight over both jobs (IOPS times the mean
# latency).
#
#   bench/jobs.sh [DIR]      (ROUNDS=3 RUNTIME=20 by default)
#
# BASE=path/to/another/gush adds it to every round as "base".
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
RUNTIME=${RUNTIME:-20}
GUSH=${GUSH:-$(dirname "$0")/../target/release/gush}
BASE=${BASE:-}
F="$DIR/gush-jobs-bench"
PIN=${PIN:-}
ON=(); [ -n "$PIN" ] && ON=(taskset -c "$PIN")
trap 'rm -f "$F" "$F.json" "$F.time"' EXIT
command -v fio >/dev/null || { echo "fio is needed: apt-get install -y fio" >&2; exit 1; }
"$GUSH" bytes --fill random -s 1GiB --direct --queue-depth 16 -o "$F" --force --quiet

run() {
  if [ "$1" = fio ]; then
    /usr/bin/time -f "%U %S" -o "$F.time" "${ON[@]}" fio --name=w --filename="$F" --rw=randwrite --bs=4k \
      --size=512m --offset_increment=512m --numjobs=2 --group_reporting --direct=1 \
      --ioengine=io_uring --iodepth=32 --runtime="$RUNTIME" --time_based \
      --output-format=json --output="$F.json" >/dev/null
    python3 - "$F.json" "$F.time" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["jobs"][0]["write"]
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
c = w['clat_ns']
print(f"fio  {w['iops']:9.0f} {c['percentile']['99.000000']/1000:9.0f} {1e6*(u+s)/w['total_ios']:7.2f} {w['iops']*c['mean']/1e9:5.1f}")
PY
  else
    local bin=$GUSH; [ "$1" = base ] && bin=$BASE
    /usr/bin/time -f "%U %S" -o "$F.time" "${ON[@]}" "$bin" bytes --fill random -s 512MiB --pattern random \
      --bs 4k --direct --queue-depth 32 --jobs 2 -t "${RUNTIME}s" -o "$F" --force \
      --stats-file "$F.json" --quiet
    python3 - "$F.json" "$F.time" "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
l = j['write_lat_ns']
iops = j['writes'] / j['elapsed_s']
print(f"{sys.argv[3]:4} {iops:9.0f} {l['percentile']['99.000000']/1000:9.0f} {1e6*(u+s)/j['writes']:7.2f} {iops*l['mean']/1e9:5.1f}")
PY
  fi
}

echo "tool      iops   p99_us cpu_us/io in_flight"
results=$(for round in $(seq "$ROUNDS"); do run gush; [ -n "$BASE" ] && run base; run fio; done | tee /dev/stderr)
echo "medians:"
echo "$results" | python3 -c '
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in sys.stdin:
    tool, *vals = line.split()
    rows[tool].append(list(map(float, vals)))
med = {tool: [statistics.median(c) for c in zip(*runs)] for tool, runs in rows.items()}
for tool, m in sorted(med.items()):
    print(tool, *(f"{v:.1f}" for v in m))
for tool in ("gush", "base"):
    if tool in med and "fio" in med:
        g, f = med[tool], med["fio"]
        print(f"{tool}: IOPS {g[0]/f[0]:.2f}x fio, p99 {g[1]/f[1]:.2f}x, CPU/IO {g[2]/f[2]:.2f}x")'
