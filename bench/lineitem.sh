#!/bin/sh
# A lineitem-shaped CSV, 6 M rows, into a file: `gush records --preset
# lineitem` (dates drawn and derived, a Zipf key, lognormal prices) and the
# same preset with 5 % null discounts, beside tpchgen-cli writing TPC-H's
# lineitem at scale factor 1 (6 001 215 rows). Interleaved rounds; prints
# each run (name, wall s, CPU s, bytes, peak RSS KB) and the medians:
# bytes/s and bytes per CPU second (steadier on a shared machine), and
# gush's ratio to tpchgen-cli, of the medians and the median of each
# round's. bench/lineitem.md has the figures. Files go to /dev/shm
# (~2.3 GB) so the disk is not what is measured.
#
# tpchgen-cli is a peer for benchmarks only, never for tests:
#   cargo install tpchgen-cli --locked --root /var/tmp/peers
set -eu
G=${GUSH:-target/release/gush}
TPCHGEN=${TPCHGEN:-/var/tmp/peers/bin/tpchgen-cli}
RUNS=${RUNS:-5}
DIR=${DIR:-/dev/shm/gush-bench-lineitem}
mkdir -p "$DIR/tpch"
trap 'rm -rf "$DIR"' EXIT
NULLS=$($G presets --show lineitem | sed 's/discount={float:0..0.1:2}/&?5%/')

measure() {
    name=$1 file=$2
    shift 3
    rm -f "$file"
    /usr/bin/time -f "%e %U %S %M" -o "$DIR/time" "$@" >/dev/null 2>&1
    read -r wall user sys rss <"$DIR/time"
    echo "$name $wall $(awk "BEGIN { print $user + $sys }") $(stat -c %s "$file") $rss"
}

for i in $(seq "$RUNS"); do
    measure gush "$DIR/gush.csv" -- $G records --preset lineitem -n 6M --seed 1 -o "$DIR/gush.csv" -f -q
    measure tpchgen "$DIR/tpch/lineitem.csv" -- "$TPCHGEN" csv -s 1 --tables lineitem --output-dir "$DIR/tpch"
    measure gush-nulls "$DIR/nulls.csv" -- $G records --schema "$NULLS" -n 6M --seed 1 -o "$DIR/nulls.csv" -f -q
done | tee "$DIR/runs"

python3 - "$DIR/runs" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, cpu, size, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(cpu), int(size), int(rss)))
med = statistics.median
for name, rows in runs.items():
    print(f"{name:10} median {med(r[0] for r in rows):.2f} s wall, {med(r[1] for r in rows):.2f} s CPU, "
          f"{rows[0][2] / 1e6:.0f} MB, {med(r[2] / r[0] for r in rows) / 1e6:.0f} MB/s, "
          f"{med(r[2] / r[1] for r in rows) / 1e6:.0f} MB per CPU s, RSS {med(r[3] for r in rows) / 1024:.0f} MiB")
peer = runs["tpchgen"]
for name in ("gush", "gush-nulls"):
    ours = runs[name]
    wall = [(o[2] / o[0]) / (p[2] / p[0]) for o, p in zip(ours, peer)]
    cpu = [(o[2] / o[1]) / (p[2] / p[1]) for o, p in zip(ours, peer)]
    print(f"{name} / tpchgen-cli bytes/s: {med(o[2] / o[0] for o in ours) / med(p[2] / p[0] for p in peer):.2f}x "
          f"of medians, {med(wall):.2f}x median of rounds ({min(wall):.2f}-{max(wall):.2f}); "
          f"per CPU s {med(cpu):.2f}x")
EOF
