#!/usr/bin/env bash
# The S3 benchmark of issue 20, on a loopback moto server (the one the
# tests use, from /var/tmp/gush-moto or $GUSH_MOTO_SERVER):
#   gush bytes -o s3://… (generating and uploading)
#   against `gush bytes -o - | aws s3 cp - s3://…` (the same bytes from a
#   pipe, uploaded by the AWS CLI, which only copies)
# interleaved, RUNS times each, medians of the wall time; and gush's peak
# RSS against the bound depth × part size + hwm + 16 MiB. Needs python3,
# moto and the aws CLI. Results: bench/s3.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
gush=$PWD/target/release/gush
runs=${RUNS:-5}
size=${SIZE:-256MiB}
depth=${DEPTH:-4}
part=${PART:-16MiB}
moto=${GUSH_MOTO_SERVER:-/var/tmp/gush-moto/bin/moto_server}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
out=$(mktemp -d)
"$moto" -H 127.0.0.1 -p "$port" >"$out/moto.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$out"' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ALLOW_HTTP=true
until curl -s -o /dev/null "$AWS_ENDPOINT_URL/"; do sleep 0.1; done
curl -s -X PUT "$AWS_ENDPOINT_URL/bench" -H 'Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' >/dev/null

seconds() { python3 -c 'import sys,time; print(time.time())'; }
for i in $(seq "$runs"); do
  t0=$(seconds)
  /usr/bin/time -f %M -o "$out/rss.$i" "$gush" bytes -s "$size" --fill random --seed "$i" \
    --part-size "$part" --queue-depth "$depth" -o "s3://bench/gush-$i.bin" -q
  t1=$(seconds)
  "$gush" bytes -s "$size" --fill random --seed "$i" -o - |
    aws s3 cp - "s3://bench/aws-$i.bin" --endpoint-url "$AWS_ENDPOINT_URL" --only-show-errors
  t2=$(seconds)
  echo "$t0 $t1 $t2" >>"$out/times"
  # moto keeps objects in memory: free them between runs.
  aws s3 rm "s3://bench/gush-$i.bin" --endpoint-url "$AWS_ENDPOINT_URL" --only-show-errors
  aws s3 rm "s3://bench/aws-$i.bin" --endpoint-url "$AWS_ENDPOINT_URL" --only-show-errors
done
python3 - "$out" "$size" "$depth" "$part" <<'PY'
import statistics, sys, glob
out, size, depth, part = sys.argv[1:]
units = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
def parse(s):
    for u, m in units.items():
        if s.endswith(u):
            return int(float(s[:-len(u)]) * m)
    return int(s)
n = parse(size)
gush, aws = [], []
for line in open(f"{out}/times"):
    t0, t1, t2 = map(float, line.split())
    gush.append(t1 - t0); aws.append(t2 - t1)
mg, ma = statistics.median(gush), statistics.median(aws)
rss = max(int(open(f).read().split()[-1]) for f in glob.glob(f"{out}/rss.*")) * 1024
hwm = (parse(part) + 65536) * (int(depth) + 1)
bound = int(depth) * parse(part) + hwm + (16 << 20)
print(f"gush -o s3://   median {mg:.2f} s  {n / mg / 2**20:.1f} MiB/s  (runs: {', '.join(f'{x:.2f}' for x in gush)})")
print(f"gush | aws s3 cp -  median {ma:.2f} s  {n / ma / 2**20:.1f} MiB/s  (runs: {', '.join(f'{x:.2f}' for x in aws)})")
print(f"throughput ratio gush / aws: {ma / mg:.2f}x")
print(f"gush peak RSS {rss / 2**20:.0f} MiB; bound depth x part + hwm + 16 MiB = {bound / 2**20:.0f} MiB")
PY
