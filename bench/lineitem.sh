#!/bin/sh
# A lineitem-shaped CSV, 6 M rows, into a file: `gush records --preset
# lineitem` (dates drawn and derived, a Zipf key, lognormal prices) and the
# same preset with 5 % null discounts, beside tpchgen-cli writing TPC-H's
# lineitem at scale factor 1 (6 001 215 rows). Interleaved rounds; prints
# each run and the medians in bytes/s, and gush's ratio to tpchgen-cli.
# bench/lineitem.md has the figures. Files go to /dev/shm (~2.3 GB) so the
# disk is not what is measured.
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

# `name seconds bytes peak-RSS-KB` for one run of the command after `--`.
measure() {
    name=$1 file=$2
    shift 3
    rm -f "$file"
    /usr/bin/time -f "%e %M" -o "$DIR/time" "$@" >/dev/null 2>&1
    echo "$name $(cut -d' ' -f1 "$DIR/time") $(stat -c %s "$file") $(cut -d' ' -f2 "$DIR/time")"
}

for i in $(seq "$RUNS"); do
    measure gush "$DIR/gush.csv" -- $G records --preset lineitem -n 6M --seed 1 -o "$DIR/gush.csv" -f -q
    measure tpchgen "$DIR/tpch/lineitem.csv" -- "$TPCHGEN" -s 1 --tables lineitem --format csv --output-dir "$DIR/tpch"
    measure gush-nulls "$DIR/nulls.csv" -- $G records --schema "$NULLS" -n 6M --seed 1 -o "$DIR/nulls.csv" -f -q
done | tee "$DIR/runs"

# Medians per name, then each gush row's bytes/s over tpchgen-cli's.
python3 - "$DIR/runs" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, secs, size, rss = line.split()
    runs.setdefault(name, []).append((float(secs), int(size), int(rss)))
rate = {}
for name, rows in runs.items():
    rate[name] = statistics.median(size / secs for secs, size, _ in rows)
    secs = statistics.median(s for s, _, _ in rows)
    rss = statistics.median(r for _, _, r in rows) / 1024
    print(f"{name:11} median {secs:.2f} s  {rows[0][1] / 1e6:.0f} MB  "
          f"{rate[name] / 1e6:.0f} MB/s  RSS {rss:.0f} MiB")
for name in ("gush", "gush-nulls"):
    print(f"{name} / tpchgen-cli: {rate[name] / rate['tpchgen']:.2f}x bytes/s")
EOF
