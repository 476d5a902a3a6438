#!/bin/sh
# Verify speed: --verify-only from the page cache (files in /dev/shm, so
# their pages cannot be dropped and the summary says `page cache`) and from
# the disk with --direct, beside fio reading the same file. Interleaved
# runs; bench/verify.md has the medians. Needs ~12 GiB free (8 in RAM).
set -eu
G=${GUSH:-target/release/gush}
RUNS=${RUNS:-5}
SHM=/dev/shm/gush-bench-verify
DISK=${DISK:-/var/tmp/gush-bench-verify}
mkdir -p "$SHM" "$DISK"
trap 'rm -rf "$SHM" "$DISK"' EXIT
$G bytes --fill random -s 4GiB --seed 1 -o "$SHM/bytes" -f -q
$G lines -s 4GiB --seed 1 -o "$SHM/lines" -f -q
$G bytes --fill random -s 4GiB --seed 1 -o "$DISK/bytes" -f -q --direct --queue-depth 16
rate() { sed -n 's/.*"verify_s":\([0-9.e-]*\).*/\1/p' | awk '{ printf "%.2f\n", 4294967296 / $1 / 1e9 }'; }
for i in $(seq "$RUNS"); do
    echo "cache-bytes $($G bytes --fill random -s 4GiB --seed 1 -o "$SHM/bytes" --verify-only --stats=json 2>&1 | rate)"
    echo "cache-lines $($G lines -s 4GiB --seed 1 -o "$SHM/lines" --verify-only --stats=json 2>&1 | rate)"
    echo "direct-qd1 $($G bytes --fill random -s 4GiB --seed 1 -o "$DISK/bytes" --verify-only --direct --stats=json 2>&1 | rate)"
    echo "direct-qd16 $($G bytes --fill random -s 4GiB --seed 1 -o "$DISK/bytes" --verify-only --direct --queue-depth 16 --stats=json 2>&1 | rate)"
    echo "buffered-disk $($G bytes --fill random -s 4GiB --seed 1 -o "$DISK/bytes" --verify-only --stats=json 2>&1 | rate)"
    if command -v fio >/dev/null; then
        bw=$(fio --name=read --filename="$DISK/bytes" --rw=read --direct=1 --bs=64k --iodepth=16 \
            --ioengine=io_uring --size=4g --output-format=json 2>/dev/null |
            python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["jobs"][0]["read"]["bw_bytes"] / 1e9))')
        echo "fio-qd16 $bw"
    fi
done
