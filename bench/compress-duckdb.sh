#!/bin/sh
# CSV against DuckDB's `COPY … TO`: 10 M rows of `id, int, float, uuid,
# 16 hex` (the issue's shape; values alike in kind, not equal),
# interleaved rounds, wall seconds and peak RSS by GNU time. DuckDB from
# pip in a venv, never in a test:
#   python3 -m venv /var/tmp/duckvenv && /var/tmp/duckvenv/bin/pip install duckdb
#
#   CODEC=zstd (default): `COMPRESSION zstd` against gush's `.csv.zst`
#   CODEC=none:           plain CSV
#   SPLIT=100MB:          a data set of files of at most that size: gush's
#                         `--file-size 100MB -o DIR/part-{k}.csv` against
#                         DuckDB's `FILE_SIZE_BYTES '100MB'` into a directory
# bench/compress.md has the results.
set -eu
G=${GUSH:-target/release/gush}
PY=${DUCKDB_PYTHON:-/var/tmp/duckvenv/bin/python}
N=${N:-10000000}
RUNS=${RUNS:-3}
DIR=${DIR:-/var/tmp/gush-bench-duckdb}
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
LOG="$DIR/log"
: >"$LOG"
CODEC=${CODEC:-zstd}
SPLIT=${SPLIT:-}
SCHEMA='id={n}, i={int:0..1000000}, f={float:0..1000:3}, u={uuid}, h={hex:16}'
EXT=csv; [ "$CODEC" = zstd ] && EXT=csv.zst
GOUT="$DIR/gush.$EXT"; DOUT="$DIR/duck.$EXT"; GSPLIT=""; DSPLIT=""
if [ -n "$SPLIT" ]; then
    GOUT="$DIR/g/part-{k:03}.$EXT"; DOUT="$DIR/d"; GSPLIT="--file-size $SPLIT"
    DSPLIT=", FILE_SIZE_BYTES '$SPLIT'"
fi
SQL="COPY (SELECT range AS id, (random() * 1000000)::BIGINT AS i, round(random() * 1000, 3) AS f,
  uuid() AS u, substr(md5(random()::VARCHAR), 1, 16) AS h FROM range($N))
  TO '$DOUT' (FORMAT csv, HEADER, COMPRESSION $CODEC$DSPLIT)"
for i in $(seq "$RUNS"); do
    rm -rf "$DIR/g" "$DIR/d"; mkdir -p "$DIR/g"
    # shellcheck disable=SC2086 # GSPLIT is two words or none
    /usr/bin/time -a -o "$LOG" -f "gush-$CODEC %e %M" "$G" records --schema "$SCHEMA" -n "$N" --seed 1 -q -f $GSPLIT -o "$GOUT"
    /usr/bin/time -a -o "$LOG" -f "duckdb-$CODEC %e %M" "$PY" -c "import duckdb; duckdb.sql('SET enable_progress_bar = false'); duckdb.sql(\"\"\"$SQL\"\"\")"
done
cat "$LOG"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
median() { grep "^$1 " "$LOG" | awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
awk -v a="$(median "gush-$CODEC")" -v b="$(median "duckdb-$CODEC")" \
    'BEGIN { printf "gush %.2f s, duckdb %.2f s: gush %.2fx\n", a, b, b / a }'
if [ -n "$SPLIT" ]; then
    echo "files: gush $(ls "$DIR/g" | wc -l), largest $(ls -S -l "$DIR/g" | awk 'NR == 2 { print $5 }') bytes;" \
        "duckdb $(ls "$DIR/d" | wc -l), largest $(ls -S -l "$DIR/d" | awk 'NR == 2 { print $5 }') bytes"
    echo "sizes: gush $(du -sb "$DIR/g" | cut -f1), duckdb $(du -sb "$DIR/d" | cut -f1) bytes"
else
    echo "sizes: gush $(stat -c %s "$GOUT"), duckdb $(stat -c %s "$DOUT") bytes"
    if [ "$CODEC" = zstd ]; then
        echo "raw: gush $(zstd -dc "$GOUT" | wc -c), duckdb $(zstd -dc "$DOUT" | wc -c) bytes"
    fi
fi
