#!/usr/bin/env bash
# gush records --format parquet against DuckDB's COPY … TO 'x.parquet',
# 10 M rows of the users preset (bench/parquet.md has the results).
#
#   bench/parquet.sh                 # 10 M rows, 3 interleaved rounds
#   ROWS=1000000 ROUNDS=1 bench/parquet.sh
#
# Three figures, each the median of ROUNDS runs taken in turn:
#   1. time: gush generating and writing Parquet (zstd level 3), against
#      DuckDB generating the same columns (same types, names drawn from
#      gush's own lists) and writing Parquet with COMPRESSION zstd,
#      COMPRESSION_LEVEL 3;
#   2. size: gush's file against DuckDB's file of the very same values
#      (DuckDB reading gush's CSV of the same seed), same codec and level,
#      so the ratio compares the writers, not the data;
#   3. peak RSS of gush, against --row-group + --hwm + 16 MiB.
# DuckDB comes from PyPI into a venv under /var/tmp (benchmarks only).
set -euo pipefail

ROWS=${ROWS:-10000000}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GUSH=${GUSH:-$ROOT/target/release/gush}
VENV=${VENV:-/var/tmp/gush-bench-duckdb}
WORK=$(mktemp -d /var/tmp/gush-parquet.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

[ -x "$GUSH" ] || (cd "$ROOT" && cargo build --release)
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q duckdb
fi
PY=$VENV/bin/python

# gush's name lists, for DuckDB to draw from.
"$GUSH" records --schema 'f={first}' -n 200000 --seed 1 --no-header | sort -u >"$WORK/first.txt"
"$GUSH" records --schema 'l={last}' -n 200000 --seed 1 --no-header | sort -u >"$WORK/last.txt"
"$GUSH" lines '{word}' -n 200000 --seed 1 | sort -u >"$WORK/words.txt"

cat >"$WORK/duck.py" <<'EOF'
import sys, duckdb
work, rows, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def lst(name):
    words = open(f"{work}/{name}.txt").read().split()
    return "[" + ",".join("'" + w.replace("'", "''") + "'" for w in words) + "]", len(words)
con = duckdb.connect()
if mode == "generate":
    (first, nf), (last, nl), (words, nw) = lst("first"), lst("last"), lst("words")
    con.execute(f"""COPY (SELECT i AS id,
        {first}[CAST(1 + hash(i) % {nf} AS BIGINT)] AS first_name,
        {last}[CAST(1 + hash(i + 1) % {nl} AS BIGINT)] AS last_name,
        lower(first_name || '.' || last_name)
          || CASE WHEN random() < 0.5 THEN CAST(CAST(floor(random() * 100) AS INT) AS VARCHAR) ELSE '' END
          || '@' || {words}[CAST(1 + hash(i + 2) % {nw} AS BIGINT)] || {words}[CAST(1 + hash(i + 3) % {nw} AS BIGINT)] || '.com' AS email,
        lower(first_name || left(last_name, 1)) || CAST(CAST(floor(random() * 1000) AS INT) AS VARCHAR) AS username,
        18 + CAST(floor(random() * 73) AS BIGINT) AS age,
        random() < 0.5 AS active,
        TIMESTAMP '2026-01-01' + to_milliseconds(i) AS created_at
      FROM range({rows}) t(i))
      TO '{work}/duck.parquet' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3)""")
else:
    con.execute(f"""COPY (SELECT * FROM read_csv('{work}/same.csv'))
      TO '{work}/duck_same.parquet' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3)""")
EOF

# One timed run: prints "wall user+sys peak_kib".
timed() {
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
    read -r wall user sys rss <"$WORK/time"
    echo "$wall $(echo "$user + $sys" | bc) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "rows $ROWS, rounds $ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
: >"$WORK/gush.txt"
: >"$WORK/duck.txt"
for round in $(seq "$ROUNDS"); do
    timed "$GUSH" records --preset users --format parquet -n "$ROWS" --seed 1 \
        -o "$WORK/gush.parquet" --force >>"$WORK/gush.txt"
    timed "$PY" "$WORK/duck.py" "$WORK" "$ROWS" generate >>"$WORK/duck.txt"
    echo "round $round: gush $(tail -1 "$WORK/gush.txt"), duckdb $(tail -1 "$WORK/duck.txt")"
done
g_wall=$(cut -d' ' -f1 "$WORK/gush.txt" | median)
d_wall=$(cut -d' ' -f1 "$WORK/duck.txt" | median)
g_cpu=$(cut -d' ' -f2 "$WORK/gush.txt" | median)
d_cpu=$(cut -d' ' -f2 "$WORK/duck.txt" | median)
g_rss=$(cut -d' ' -f3 "$WORK/gush.txt" | median)
echo "time (median wall s): gush $g_wall, duckdb $d_wall, ratio $(echo "scale=2; $d_wall / $g_wall" | bc)x"
echo "cpu (median user+sys s): gush $g_cpu, duckdb $d_cpu, ratio $(echo "scale=2; $d_cpu / $g_cpu" | bc)x"
echo "gush peak RSS: $((g_rss / 1024)) MiB (row group 128 MiB + hwm 1 MiB + 16 MiB = 145 MiB)"

"$GUSH" records --preset users -n "$ROWS" --seed 1 -o "$WORK/same.csv" --force 2>/dev/null
"$PY" "$WORK/duck.py" "$WORK" "$ROWS" same
g_size=$(stat -c %s "$WORK/gush.parquet")
d_size=$(stat -c %s "$WORK/duck_same.parquet")
echo "size of the same values, zstd 3: gush $g_size, duckdb $d_size, gush/duckdb $(echo "scale=3; $g_size / $d_size" | bc)"
echo "duckdb's generated file: $(stat -c %s "$WORK/duck.parquet") bytes"
