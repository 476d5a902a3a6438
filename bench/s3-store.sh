# Sourced by bench/s3.sh and bench/s3-series.sh: starts the loopback
# S3-compatible server (STORE: s3s, the default, or moto; see bench/s3.sh),
# makes the bucket `bench`, points the AWS CLI and rclone at it, and
# defines aws_config (part size PART, DEPTH requests at once) and timed.
# Needs $out (a scratch directory) and $part; sets $port, $server, $data,
# $part_mib and $have_rclone, and the EXIT trap that stops the server.
store=${STORE:-s3s}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchbench AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ALLOW_HTTP=true
case $store in
  s3s)
    s3s=${GUSH_S3S_FS:-/var/tmp/peers/bin/s3s-fs}
    data=${STORE_DIR:-/dev/shm/gush-s3bench-store}
    rm -rf "$data" && mkdir -p "$data"
    "$s3s" --host 127.0.0.1 --port "$port" --access-key "$AWS_ACCESS_KEY_ID" \
      --secret-key "$AWS_SECRET_ACCESS_KEY" "$data" >"$out/server.log" 2>&1 &
    ;;
  moto)
    data=
    "${GUSH_MOTO_SERVER:-/var/tmp/gush-moto/bin/moto_server}" -H 127.0.0.1 -p "$port" \
      >"$out/server.log" 2>&1 &
    ;;
  *) echo "gush: bench: STORE=$store is not s3s or moto; give one" >&2; exit 2 ;;
esac
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$out" ${data:+"$data"}' EXIT
until curl -s -o /dev/null "$AWS_ENDPOINT_URL/"; do sleep 0.1; done
aws s3 mb s3://bench >/dev/null

# The AWS CLI and rclone with gush's part size and parts in flight.
part_mib=$(( $(numfmt --from=auto "${part%B}") >> 20 ))
export AWS_CONFIG_FILE=$out/aws-config
# (rclone reads AWS_CA_BUNDLE, which its http transport cannot take: its
# row runs without it; the endpoint is plain http.)
export RCLONE_CONFIG=$out/rclone.conf RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other
export RCLONE_CONFIG_BENCH_ENDPOINT=$AWS_ENDPOINT_URL RCLONE_CONFIG_BENCH_REGION=us-east-1
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID
export RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
aws_config() {
  printf '[default]\ns3 =\n  multipart_chunksize = %sMB\n  max_concurrent_requests = %s\n' \
    "$part_mib" "$1" >"$AWS_CONFIG_FILE"
}
touch "$RCLONE_CONFIG"
have_rclone=$(command -v rclone >/dev/null && echo yes || echo no)

# One run: wall seconds, user and system CPU seconds, peak RSS (KiB) of
# the command and everything it waited for, into $out/NAME.
timed() {
  local name=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$out/last" "$@"
  cat "$out/last" >>"$out/$name"
}
