#!/usr/bin/env python3
"""Where a 4 KiB io_uring write's time goes, from kernel tracepoints.

Splits each write, submission to completion, into four stages, for
whatever process made the trace (gush or fio alike):

  submit->bio        the filesystem: io_uring_submit_req to block_bio_queue
  bio->issue         the block layer: queued (I/O scheduler) until dispatched
  issue->done        the device
  done->posted       completed until io_uring posts it (with DEFER_TASKRUN,
                     until the writer next enters the kernel: a writer
                     waiting for a CPU shows here)

Record, then read (root; the perf tracepoints of a 6.x kernel):

  EV=io_uring:io_uring_submit_req,io_uring:io_uring_complete,block:block_bio_queue,block:block_rq_issue,block:block_rq_complete
  perf record -q -o g.data -e $EV -a -- gush bytes --fill random -s 1GiB --pattern random --bs 4k --direct --queue-depth 32 -t 2s -o F --force --quiet
  perf script -i g.data > g.txt && bench/uring_stages.py g.txt

A bio is matched to the submission just before it on the same thread,
and to its request by sector; only 8-sector (4 KiB) requests count.
"""
import re
import statistics
import sys

LINE = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$")
STAGES = [("submit->bio", "s", "q"), ("bio->issue", "q", "i"), ("issue->done", "i", "c"),
          ("done->posted", "c", "p"), ("total", "s", "p")]


def main(path):
    last_submit, by_sector, times, spans = {}, {}, {}, {name: [] for name, _, _ in STAGES}
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        _, pid, _, t, event, rest = m.groups()
        t = float(t)
        if event == "io_uring:io_uring_submit_req":
            req = re.search(r"req (0x\w+)", rest).group(1)
            times[req] = {"s": t}
            last_submit[pid] = req
        elif event == "block:block_bio_queue":
            req = last_submit.pop(pid, None)
            sector = re.search(r"\S+ \S+ (\d+) \+", rest)
            if req in times and sector:
                by_sector[sector.group(1)] = req
                times[req]["q"] = t
        elif event in ("block:block_rq_issue", "block:block_rq_complete"):
            sector = re.search(r"\(\) (\d+) \+ 8 ", rest)
            if sector and sector.group(1) in by_sector:
                req = by_sector[sector.group(1)]
                times[req]["i" if event.endswith("issue") else "c"] = t
                if event.endswith("complete"):
                    del by_sector[sector.group(1)]
        elif event == "io_uring:io_uring_complete":
            req = re.search(r"req (0x\w+)", rest).group(1)
            stamps = times.pop(req, None)
            if stamps and all(k in stamps for k in "sqic"):
                stamps["p"] = t
                for name, start, end in STAGES:
                    spans[name].append((stamps[end] - stamps[start]) * 1e6)
    n = len(spans["total"])
    print(f"{path}: {n} writes")
    for name, _, _ in STAGES:
        v = sorted(spans[name])
        if v:
            print(f"  {name:13} mean {statistics.mean(v):8.1f}  p50 {v[n // 2]:8.1f}  p99 {v[int(n * .99)]:8.1f} us")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(arg)
