#!/usr/bin/env python3
"""Share of writes that hit the hottest 10 % of blocks, from an strace log
of pwrite64 calls (`strace -f -e trace=pwrite64 -o LOG ...`).
Usage: zipf_share.py LOG REGION_BYTES BLOCK_BYTES"""
import collections, re, sys

log, region, block = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hits = collections.Counter()
for line in open(log):
    m = re.search(r"pwrite64\(.*, (\d+), (\d+)(?:\) =| <unfinished)", line)
    if m:
        hits[int(m.group(2)) // block] += 1
total = sum(hits.values())
ranked = sorted(hits.values(), reverse=True)
share = lambda part: 100 * sum(ranked[: int(region // block * part)]) / total
print(f"writes {total}, distinct blocks {len(hits)} ({100 * len(hits) * block / region:.1f} %), "
      f"hottest 10 % of blocks {share(0.1):.1f} %, hottest 1 % {share(0.01):.1f} %")
