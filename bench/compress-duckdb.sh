#!/bin/sh
# CSV + zstd against DuckDB's `COPY … TO 'x.csv.zst' (COMPRESSION zstd)`:
# 10 M rows of `id, int, float, uuid, 16 hex` (the issue's shape; values
# alike in kind, not equal), interleaved rounds, wall seconds and peak
# RSS by GNU time. DuckDB from pip in a venv, never in a test:
#   python3 -m venv /var/tmp/duckvenv && /var/tmp/duckvenv/bin/pip install duckdb
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
SCHEMA='id={n}, i={int:0..1000000}, f={float:0..1000:3}, u={uuid}, h={hex:16}'
SQL="COPY (SELECT range AS id, (random() * 1000000)::BIGINT AS i, round(random() * 1000, 3) AS f,
  uuid() AS u, substr(md5(random()::VARCHAR), 1, 16) AS h FROM range($N))
  TO '$DIR/duck.csv.zst' (FORMAT csv, HEADER, COMPRESSION zstd)"
for i in $(seq "$RUNS"); do
    /usr/bin/time -a -o "$LOG" -f "gush-zstd %e %M" "$G" records --schema "$SCHEMA" -n "$N" --seed 1 -q -f -o "$DIR/gush.csv.zst"
    /usr/bin/time -a -o "$LOG" -f "duckdb-zstd %e %M" "$PY" -c "import duckdb; duckdb.sql('SET enable_progress_bar = false'); duckdb.sql(\"\"\"$SQL\"\"\")"
done
cat "$LOG"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
median() { grep "^$1 " "$LOG" | awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
awk -v a="$(median gush-zstd)" -v b="$(median duckdb-zstd)" \
    'BEGIN { printf "gush %.2f s, duckdb %.2f s: gush %.2fx\n", a, b, b / a }'
echo "sizes: gush $(stat -c %s "$DIR/gush.csv.zst"), duckdb $(stat -c %s "$DIR/duck.csv.zst") bytes"
echo "raw: gush $(zstd -dc "$DIR/gush.csv.zst" | wc -c), duckdb $(zstd -dc "$DIR/duck.csv.zst" | wc -c) bytes"
