#!/usr/bin/env bash
# The fair default (issue 17, item 12): gush's obvious command against fio's
# same job, both with no other flag, interleaved, 5 rounds, medians.
#   bench/preallocate-default.sh [GUSH] [DIR]
# Each run writes a new 1 GiB file (removed first), so each pays the same
# block allocation; wall time from bash's clock, fio's output discarded.
set -euo pipefail
gush=${1:-target/release/gush}
dir=${2:-/var/tmp}
rounds=${ROUNDS:-5}
f="$dir/gush-prealloc-bench"
time_of() {
    rm -f "$f"; sync
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
g=(); o=(); n=()
for i in $(seq "$rounds"); do
    g+=("$(time_of "$gush" bytes -s 1GiB --direct --queue-depth 16 -o "$f")")
    o+=("$(time_of fio --name=w --rw=write --bs=64k --size=1g --direct=1 --ioengine=io_uring --iodepth=16 --filename="$f")")
    n+=("$(time_of "$gush" bytes -s 1GiB --direct --queue-depth 16 --preallocate none -o "$f")")
    echo "round $i: gush ${g[-1]} s, fio ${o[-1]} s, gush --preallocate none ${n[-1]} s" >&2
done
rm -f "$f"
gm=$(printf '%s\n' "${g[@]}" | median)
om=$(printf '%s\n' "${o[@]}" | median)
nm=$(printf '%s\n' "${n[@]}" | median)
echo "gush (default) median $gm s; fio median $om s; gush --preallocate none median $nm s"
echo "gush/fio speed ratio (fio time / gush time): $(echo "scale=3; $om / $gm" | bc)"
