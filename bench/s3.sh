#!/usr/bin/env bash
# The S3 benchmark of issue 20, on a loopback S3-compatible server:
#   gush bytes -o s3://…                     generating and uploading
#   gush bytes -o - | aws s3 cp - s3://…      the AWS CLI, copying a pipe
#   gush bytes -o - | rclone rcat bench:…     rclone, copying a pipe
#   s3_put_file FILE                          object_store putting a ready file
#                                             (examples/s3_put_file.rs)
# at --part-size PART and --queue-depth for each of DEPTHS, with the AWS
# CLI and rclone set to the same part size and parts in flight. Rounds are
# interleaved (every row once per round, RUNS rounds); the medians of the
# wall time are compared, and each row's user+system CPU seconds (those of
# the whole pipeline, generator included) are given, which load moves less.
# Then gush's peak RSS at each depth against depth × part + hwm + 16 MiB.
#
# The server (STORE):
#   s3s  (default) s3s-fs, a Rust S3 server over a directory, installed by
#        `cargo install --root /var/tmp/peers s3s-fs@0.14.1 --features binary`
#        (0.14.1: the newest that builds on rustc 1.95); its directory is
#        STORE_DIR, a tmpfs by default so that the disk is not what is timed
#   moto moto's server (Python, the one the tests use): it caps at about
#        27 MiB/s, so it times itself rather than the clients
# Needs the aws CLI and, for its row (s3s-fs only: moto answers its
# multipart upload with 400), rclone (Debian's package). Every
# object is deleted after its run. RUNS, SIZE, DEPTHS, PART and ROWS (say
# ROWS="gush putfile") change the defaults. Results: bench/s3.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
cargo build --release -q --example s3_put_file
gush=$PWD/target/release/gush
put_file=$PWD/target/release/examples/s3_put_file
runs=${RUNS:-5}
size=${SIZE:-1GiB}
depths=${DEPTHS:-4 8}
part=${PART:-16MiB}
out=$(mktemp -d /var/tmp/gush-s3bench.XXXXXX)
source bench/s3-store.sh

# The ready file of the put_file row: the same bytes, made before any clock.
"$gush" bytes -s "$size" --fill random --seed 1 -o "$out/ready.bin" -q

gen() { echo "'$gush' bytes -s $size --fill random --seed $1 -o -"; }
# One row's run, then its object deleted, so that the store holds one
# object at a time whichever row ran before.
row() {
  local name=$1 i=$2 depth=$3
  case $name in
    gush)
      timed "gush-d$depth" "$gush" bytes -s "$size" --fill random --seed "$i" \
        --part-size "$part" --queue-depth "$depth" -o "s3://bench/gush-$i.bin" -q ;;
    aws)
      timed "aws-d$depth" bash -o pipefail -c "$(gen "$i") |
        aws s3 cp - s3://bench/aws-$i.bin --only-show-errors" ;;
    rclone)
      timed "rclone-d$depth" bash -o pipefail -c "$(gen "$i") |
        env -u AWS_CA_BUNDLE rclone rcat bench:bench/rclone-$i.bin -q \
          --s3-chunk-size ${part_mib}Mi --s3-upload-concurrency $depth" ;;
    putfile)
      timed "putfile-d$depth" "$put_file" "$out/ready.bin" bench "putfile-$i.bin" \
        "$part_mib" "$depth" >/dev/null ;;
  esac
  aws s3 rm s3://bench/ --recursive --only-show-errors
}
rows=(gush aws putfile)
# (moto answers rclone 1.60's multipart upload with 400 Bad Request.)
[ "$have_rclone" = yes ] && [ "$store" = s3s ] && rows=(gush aws rclone putfile)
# ROWS="gush putfile" runs only those.
[ -n "${ROWS:-}" ] && read -ra rows <<<"$ROWS"
# Each round starts one row further on, so that no row always follows
# the same one (in a fixed order the ready-file row ran 1.4x slower after
# rclone's, and level with gush when run alone).
for i in $(seq "$runs"); do
  for depth in $depths; do
    aws_config "$depth"
    for k in "${!rows[@]}"; do
      row "${rows[(k + i) % ${#rows[@]}]}" "$i" "$depth"
    done
  done
done
# s3s-fs keeps a small metadata file per deleted object; more than that
# would mean parts left behind.
if [ "$store" = s3s ] && [ "$(du -sm "$data" | cut -f1)" -gt 1 ]; then
  echo "note: the store kept $(du -sh "$data" | cut -f1) after the deletes"
fi
python3 - "$out" "$size" "$part" "$depths" <<'PY'
import statistics, sys, os
out, size, part, depths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
def parse(s):
    s = s.removesuffix("B")
    for u, m in (("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30)):
        if s.endswith(u):
            return int(float(s[: -len(u)]) * m)
    return int(s)
n, p = parse(size), parse(part)
def rows(name):
    path = f"{out}/{name}"
    if not os.path.exists(path):
        return None
    return [tuple(map(float, line.split())) for line in open(path)]
for depth in depths:
    d = int(depth)
    print(f"-- depth {d}, part {part}, {size} per run")
    medians = {}
    for label, name in (("gush -o s3://", "gush"), ("gush | aws s3 cp -", "aws"),
                        ("gush | rclone rcat", "rclone"), ("s3_put_file (ready file)", "putfile")):
        runs = rows(f"{name}-d{d}")
        if not runs:
            continue
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] + r[2] for r in runs)
        medians[name] = wall
        print(f"{label:26} median {wall:6.2f} s {n / wall / 2**20:7.1f} MiB/s  cpu {cpu:5.2f} s"
              f"  (runs: {', '.join(f'{r[0]:.2f}' for r in runs)})")
    for other in ("aws", "rclone", "putfile"):
        if other in medians:
            print(f"throughput gush / {other}: {medians[other] / medians['gush']:.2f}x")
    rss = max(r[3] for r in rows(f"gush-d{d}")) * 1024
    hwm = (p + 65536) * (d + 1)
    bound = d * p + hwm + (16 << 20)
    print(f"gush peak RSS {rss / 2**20:.0f} MiB; bound depth x part + hwm + 16 MiB = "
          f"{d} x {p >> 20} + {hwm / 2**20:.0f} + 16 = {bound / 2**20:.0f} MiB")
PY
