#!/bin/sh
# bench/acks.md: what --ack-log costs a write (a file on another
# filesystem; tcp:// to a gush catch --acks that fsyncs on this disk), and
# gush verify --acks against plain gush verify. Rounds interleave the
# variants, each round starting with the next one; medians at the end.
# Run from a directory on the disk under test.
G=${G:-gush}
ROUNDS=${ROUNDS:-5}
ROWS=${ROWS:-big each verify}
J=/dev/shm/gush-bench-acks        # another filesystem than the target's
OUT=results.txt; : > $OUT
one() { # $1 row, $2 variant, rest: flags; appends "row variant MiB/s cpu_s"
  row=$1 variant=$2; shift 2
  case $variant in
    plain) set -- "$@" ;;
    file)  set -- "$@" --ack-log $J ;;
    tcp)   rm -f caught caught.err
           $G catch --acks -o caught -l 127.0.0.1:0 2>caught.err & catcher=$!
           until [ -s caught.err ]; do sleep 0.05; done
           set -- "$@" --ack-log "tcp://127.0.0.1:$(sed -n 's/.*127.0.0.1://p' caught.err)" ;;
  esac
  /usr/bin/time -f "cpu %U %S" -o cpu.txt \
    $G bytes --fill stamped --seed 9 --pattern random --bs 4k --force --stats=json "$@" 2>run.err
  [ "$variant" = tcp ] && wait $catcher
  python3 - "$row" "$variant" <<'PY' | tee -a $OUT
import json, sys
stats = json.loads([l for l in open("run.err") if l.startswith("{")][-1])
user, sys_ = open("cpu.txt").read().split()[1:3]
print(sys.argv[1], sys.argv[2], round(stats["bytes_per_s"] / 2**20, 1), round(float(user) + float(sys_), 2))
PY
}
rounds() { # $1 row, rest: flags; ROUNDS rounds of the three, rotating
  row=$1; shift
  for i in $(seq $ROUNDS); do
    case $((i % 3)) in
      1) order="plain file tcp" ;; 2) order="file tcp plain" ;; 0) order="tcp plain file" ;;
    esac
    for variant in $order; do one $row $variant "$@"; done
  done
}
uptime
case $ROWS in *big*)
  $G bytes --fill stamped --seed 9 --pattern random --bs 4k --force -q -s 4GiB -o region.img
  rounds big -s 4GiB -o region.img ;; esac
case $ROWS in *each*)
  ROUNDS=6 rounds each -s 256MiB -t 5s --sync each -o each.img ;; esac
case $ROWS in *verify*)
  # A 1M-record journal with a sync every 64 MiB, for the read-back rows.
  $G bytes --fill stamped --seed 9 --pattern random --bs 4k --force -q -s 4GiB \
      --sync every=64MiB --ack-log $J -o region.img
  echo "journal: $(wc -l < $J) lines"
  for i in $(seq $ROUNDS); do
    for how in plain acks; do
      case $how in plain) set -- ;; acks) set -- --acks $J ;; esac
      $G verify --direct --stats=json region.img "$@" 2>run.err
      python3 -c 'import json,sys; s=json.loads([l for l in open("run.err") if l.startswith("{")][-1]); print("verify", sys.argv[1], round(s["bytes_per_s"]/2**20,1), 0)' $how | tee -a $OUT
    done
  done ;; esac
uptime
python3 - $OUT <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    row, variant, rate, cpu = line.split()
    runs[(row, variant)].append((float(rate), float(cpu)))
for (row, variant), values in runs.items():
    rate = statistics.median(v[0] for v in values)
    cpu = statistics.median(v[1] for v in values)
    print(f"median {row:6} {variant:5} {rate:8.1f} MiB/s  cpu {cpu:6.2f} s  of {[v[0] for v in values]}")
PY
rm -f $J caught caught.err run.err cpu.txt
