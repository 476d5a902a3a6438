#!/bin/sh
# Lanes: a {k} series written one file at a time (--threads 1, one writer
# cutting one ordered stream) against several files at once (--threads 2:
# two lanes, each a generator and a writer of its own), in interleaved
# rounds. Three cases: CSV + zstd --files 8 (the compressor in the
# writer's path), plain CSV --files 8 (the page cache's memcpy is the
# writer's work), and a slow writer (--sink-delay, a disk that takes 2 ms
# a write, as a network volume may) where one writer is the limit by
# construction; and Parquet --files 8 (the encoder in the writer's path).
# Prints each run's wall, user and sys seconds
# (/usr/bin/time), then the medians and the W=2/W=1 ratios, with the
# load. bench/lanes.md has the results. Needs ~2 GB free under $DIR and
# GNU time (apt-get install time).
set -eu
G=${GUSH:-target/release/gush}
N=${N:-2M}
SLOW_N=${SLOW_N:-200k}
RUNS=${RUNS:-5}
DIR=${DIR:-/var/tmp/gush-bench-lanes}
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
LOG="$DIR/log"
: >"$LOG"
# One run: its name, then the command; appends "name wall user sys".
timed() {
    name=$1
    shift
    /usr/bin/time -f "$name %e %U %S" -a -o "$LOG" "$@"
}
for i in $(seq "$RUNS"); do
    for w in 1 2; do
        timed "zstd-w$w" "$G" records --preset users -n "$N" --seed 1 -q -f --threads "$w" \
            --files 8 -o "$DIR/z$w/part-{k:02}.csv.zst"
        timed "csv-w$w" "$G" records --preset users -n "$N" --seed 1 -q -f --threads "$w" \
            --files 8 -o "$DIR/c$w/part-{k:02}.csv"
        timed "slow-w$w" "$G" records --preset users -n "$SLOW_N" --seed 1 -q -f --threads "$w" \
            --files 8 --sink-delay 2ms -o "$DIR/s$w/part-{k:02}.csv"
        timed "parquet-w$w" "$G" records --preset users -n "$N" --seed 1 -q -f --threads "$w" \
            --format parquet --files 8 -o "$DIR/p$w/part-{k:02}.parquet"
    done
done
cat "$LOG"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
# The files are the same bytes whatever the lanes.
for case in z c s p; do
    cmp_out=$(diff -r "$DIR/${case}1" "$DIR/${case}2" && echo same) || true
    echo "files $case: ${cmp_out:-DIFFER}"
done
median() { grep "^$1 " "$LOG" | awk -v f="$2" '{ print $f }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
cpu() { grep "^$1 " "$LOG" | awk '{ print $3 + $4 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for case in zstd csv slow parquet; do
    w1=$(median "$case-w1" 2) w2=$(median "$case-w2" 2)
    c1=$(cpu "$case-w1") c2=$(cpu "$case-w2")
    awk -v c="$case" -v w1="$w1" -v w2="$w2" -v c1="$c1" -v c2="$c2" 'BEGIN {
        printf "%s: wall W=1 %.2f s, W=2 %.2f s (%.2fx faster); user+sys W=1 %.2f s, W=2 %.2f s (%.2fx)\n",
            c, w1, w2, w1 / w2, c1, c2, c2 / c1 }'
done
