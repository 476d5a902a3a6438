#!/bin/sh
# Compression on the fly against a pipe into the zstd tool: 10 M rows of
# the users preset to a .csv.zst at level 3, written by gush itself
# (`-o F.csv.zst`: libzstd's multithreaded encoder inside) and by
# `gush -o - | zstd -T0 -3` at the same level, in interleaved rounds;
# also gush's gzip:6 and the plain CSV for scale. Prints each run's wall
# seconds and peak RSS (/usr/bin/time), then the medians, the speed ratio,
# and the sizes (the ratio is to be within 2 % of zstd's). bench/compress.md
# has the results. Needs ~3 GB free under $DIR, zstd (apt-get install zstd)
# and GNU time (apt-get install time).
set -eu
G=${GUSH:-target/release/gush}
N=${N:-10M}
RUNS=${RUNS:-5}
DIR=${DIR:-/var/tmp/gush-bench-compress}
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
LOG="$DIR/log"
: >"$LOG"
# One run: its name, then the command; appends "name seconds rss_kb".
timed() {
    name=$1
    shift
    /usr/bin/time -f "$name %e %M" -a -o "$LOG" "$@"
}
for i in $(seq "$RUNS"); do
    timed gush-zstd "$G" records --preset users -n "$N" --seed 1 -q -f -o "$DIR/a.csv.zst"
    timed pipe-zstd sh -c "$G records --preset users -n $N --seed 1 -q -o - | zstd -T0 -3 -q -f -o $DIR/b.csv.zst"
    timed gush-gzip "$G" records --preset users -n "$N" --seed 1 -q -f -o "$DIR/c.csv.gz"
    timed gush-csv "$G" records --preset users -n "$N" --seed 1 -q -f -o "$DIR/d.csv"
done
cat "$LOG"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
median() { grep "^$1 " "$LOG" | awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
peak_rss() { grep "^$1 " "$LOG" | awk '{ print $3 }' | sort -n | tail -1; }
for name in gush-zstd pipe-zstd gush-gzip gush-csv; do
    echo "$name: median $(median "$name") s, peak RSS $(peak_rss "$name") KB"
done
awk -v a="$(median gush-zstd)" -v b="$(median pipe-zstd)" \
    'BEGIN { printf "gush zstd against | zstd -T0 -3: %.2fx the speed\n", b / a }'
a=$(stat -c %s "$DIR/a.csv.zst")
b=$(stat -c %s "$DIR/b.csv.zst")
awk -v a="$a" -v b="$b" 'BEGIN { printf "sizes: gush %d, zstd %d bytes (gush %+.2f %%)\n", a, b, (a - b) * 100 / b }'
echo "gzip: $(stat -c %s "$DIR/c.csv.gz") bytes; csv: $(stat -c %s "$DIR/d.csv") bytes"
zstd -dc "$DIR/a.csv.zst" | cmp - "$DIR/d.csv" && echo "gush's .zst decompresses to the CSV"
# What gush says of the same run: the hwm it raised, the compressor's
# share of the writer's time, the bottleneck.
"$G" records --preset users -n "$N" --seed 1 -f -o "$DIR/a.csv.zst" --stats 2>&1 | grep -E 'flow:|buffer:|compressed:'
