#!/usr/bin/env bash
# Eight shards of one data set written straight to S3 from several hosts,
# with GNU parallel over ssh: shard K/8 of 80M users goes to the `{k}`
# objects s3://data/users/users-K-k.csv, 64 MiB each, every one with its
# CSV header. Then the check: the objects listed in key order, joined with
# the headers after the first taken out, equal one machine's output for
# the same seed.
#
#   AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… AWS_REGION=us-east-1 \
#   AWS_ENDPOINT_URL=http://minio:9000 AWS_ALLOW_HTTP=true \
#     bash examples/parallel-ssh-s3.sh host1,host2
#
# Needs gush on every host and GNU parallel here; the check needs the aws
# CLI here. --env passes the credentials to the remote shells (they are
# not written anywhere), as does --sshlogin's plain ssh.
set -euo pipefail

hosts=${1:?give the ssh hosts, comma-separated, as in host1,host2}
bucket=${BUCKET:-data}
seed=7
count=80M

export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-}" AWS_ALLOW_HTTP="${AWS_ALLOW_HTTP:-}"

# One job per shard; {} is parallel's argument, {k:04} is gush's (not a
# replacement string of parallel's, nor special to the remote shell).
parallel --sshlogin "$hosts" --halt now,fail=1 \
  --env AWS_ACCESS_KEY_ID --env AWS_SECRET_ACCESS_KEY --env AWS_REGION \
  --env AWS_ENDPOINT_URL --env AWS_ALLOW_HTTP \
  gush records --preset users -n "$count" --seed "$seed" --shard {}/8 \
  -o "s3://$bucket/users/users-{k:04}.csv" --file-size 64MiB --force \
  ::: 0 1 2 3 4 5 6 7

# The check: S3 lists keys in order, so shard 0's objects come first.
endpoint=${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"}
first=1
aws s3api list-objects-v2 $endpoint --bucket "$bucket" --prefix users/ \
  --query 'Contents[].Key' --output text | tr '\t' '\n' |
  while read -r key; do
    if [ "$first" = 1 ]; then
      aws s3 cp $endpoint "s3://$bucket/$key" -
      first=0
    else
      aws s3 cp $endpoint "s3://$bucket/$key" - | tail -n +2
    fi
  done | cmp - <(gush records --preset users -n "$count" --seed "$seed") ||
  { echo "the joined objects differ from one machine's output" >&2; exit 3; }
echo "the joined objects are one machine's output"
