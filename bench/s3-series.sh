#!/usr/bin/env bash
# A `{k}` series of objects to a loopback S3-compatible server (issue 20):
# SIZE of counter lines cut into objects of each size in OBJS, at
# --queue-depth DEPTH, written four ways:
#   gush lines -s SIZE --file-size OBJ -o 's3://bench/gush/{k:05}.txt'
#   $BASE, the same with another gush binary (an A/B; row left out if unset)
#   aws s3 cp --recursive DIR s3://bench/aws/   (DEPTH requests at once)
#   rclone copy DIR bench:bench/rclone --transfers DEPTH (only with
#     ROWS="gush aws rclone": against s3s-fs 0.14.1 some of its runs took
#     90-105 s where others took 2.5 s, unexplained)
# The two copying tools get the same objects ready as files on tmpfs,
# made before any clock (`gush lines … -o DIR/{k:05}.txt`): they only copy.
# Rounds are interleaved (each starts one row further on), every object
# is deleted after its run; medians of wall time and of the command's
# user+system CPU seconds. RUNS, SIZE, OBJS, DEPTH, PART, ROWS change the
# defaults; STORE as in bench/s3.sh. Results: bench/s3.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
gush=$PWD/target/release/gush
base=${BASE:-}
runs=${RUNS:-5}
size=${SIZE:-256MiB}
objs=${OBJS:-64KiB 1MiB 16MiB}
depth=${DEPTH:-8}
part=${PART:-16MiB}
out=$(mktemp -d /var/tmp/gush-s3series.XXXXXX)
source bench/s3-store.sh
aws_config "$depth"
ready=$(mktemp -d /dev/shm/gush-s3series-ready.XXXXXX)
trap 'kill $server 2>/dev/null || true; rm -rf "$out" "$ready" ${data:+"$data"}' EXIT

row() {
  local name=$1 obj=$2
  case $name in
    gush | base)
      local bin=$gush
      [ "$name" = base ] && bin=$base
      timed "$name-$obj" "$bin" lines -s "$size" --file-size "$obj" --part-size "$part" \
        --queue-depth "$depth" -o "s3://bench/$name/{k:05}.txt" -q ;;
    aws)
      timed "aws-$obj" aws s3 cp --recursive "$ready/$obj" s3://bench/aws/ --only-show-errors ;;
    rclone)
      timed "rclone-$obj" env -u AWS_CA_BUNDLE rclone copy "$ready/$obj" bench:bench/rclone \
        -q --transfers "$depth" --s3-chunk-size "${part_mib}Mi" --s3-upload-concurrency "$depth" ;;
  esac
  local objects
  objects=$(aws s3 ls "s3://bench/$name/" | wc -l)
  echo "$objects" >>"$out/$name-$obj.objects"
  aws s3 rm s3://bench/ --recursive --only-show-errors
}
read -ra rows <<<"${ROWS:-gush aws}"
[ -n "$base" ] && rows+=(base)
for obj in $objs; do
  mkdir -p "$ready/$obj"
  "$gush" lines -s "$size" --file-size "$obj" -o "$ready/$obj/{k:05}.txt" -q
done
for i in $(seq "$runs"); do
  for obj in $objs; do
    for k in "${!rows[@]}"; do
      row "${rows[(k + i) % ${#rows[@]}]}" "$obj"
    done
  done
done
python3 - "$out" "$size" "$objs" "${rows[@]}" <<'PY'
import statistics, sys, os
out, size, objs, rows = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4:]
labels = {"gush": "gush -o s3://…/{k}", "base": "BASE gush", "aws": "aws s3 cp --recursive",
          "rclone": "rclone copy"}
for obj in objs:
    print(f"-- {size} in objects of {obj}")
    medians = {}
    for name in rows:
        runs = [tuple(map(float, l.split())) for l in open(f"{out}/{name}-{obj}")]
        counts = sorted(set(open(f"{out}/{name}-{obj}.objects").read().split()))
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] + r[2] for r in runs)
        medians[name] = wall
        print(f"{labels[name]:24} median {wall:6.2f} s  cpu {cpu:5.2f} s  objects {','.join(counts)}"
              f"  (runs: {', '.join(f'{r[0]:.2f}' for r in runs)})")
    for other in rows[1:]:
        print(f"throughput gush / {other}: {medians[other] / medians['gush']:.2f}x")
PY
