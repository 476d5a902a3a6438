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
  EV=$EV,syscalls:sys_enter_io_uring_enter,sched:sched_switch   # optional: the issuer's calls and CPU
  perf record -q -o g.data -e $EV -a -- gush bytes --fill random -s 1GiB --pattern random --bs 4k --direct --queue-depth 32 -t 2s -o F --force --quiet
  perf script -i g.data > g.txt && bench/uring_stages.py g.txt

A bio is matched to the submission just before it on the same thread,
and to its request by sector; only 8-sector (4 KiB) requests count.

Each stage's mean times the write rate is how many writes sit in that
stage on average (Little's law): "in device" is what the disk really
has, "total" what the tool has in flight. Add
syscalls:sys_enter_io_uring_enter,sched:sched_switch to EV for the
issuing thread's io_uring_enter calls per write (and how many of them
wait for a completion) and its time off the CPU each second, split into
sleeping (S: waiting in the kernel) and runnable (R: ready, waiting for
a CPU), and its time on each CPU (the one taking the disk's interrupts
pays for them: /proc/interrupts).
"""
import collections
import re
import statistics
import sys

LINE = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$")
STAGES = [("submit->bio", "s", "q"), ("bio->issue", "q", "i"), ("issue->done", "i", "c"),
          ("done->posted", "c", "p"), ("total", "s", "p")]


def main(path):
    last_submit, by_sector, times, spans = {}, {}, {}, {name: [] for name, _, _ in STAGES}
    first = last = issuer = away = on_since = None
    enters, off, oncpu = collections.Counter(), collections.Counter(), collections.Counter()
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        _, pid, cpu, t, event, rest = m.groups()
        t = float(t)
        if event == "syscalls:sys_enter_io_uring_enter":
            issuer = issuer or pid
            if pid == issuer:
                want = int(re.search(r"min_complete: (\w+)", rest).group(1), 16)
                enters[(pid, want)] += 1
            continue
        if event == "sched:sched_switch":
            sw = re.search(r"prev_pid=(\d+) .*prev_state=(\S+) ==> .*next_pid=(\d+)", rest)
            if issuer and sw and sw.group(1) == issuer:
                away = (t, sw.group(2))
                if on_since is not None:
                    oncpu[cpu] += t - on_since
                    on_since = None
            if issuer and sw and sw.group(3) == issuer:
                if away is not None:
                    off[away[1]] += t - away[0]
                on_since = t
            continue
        if event == "io_uring:io_uring_submit_req":
            req = re.search(r"req (0x\w+)", rest).group(1)
            times[req] = {"s": t}
            first = t if first is None else first
            last = t
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
    span = (last - first) if first is not None else 0
    rate = n / span if span else 0
    print(f"{path}: {n} writes in {span:.2f} s ({rate:.0f}/s)")
    for name, _, _ in STAGES:
        v = sorted(spans[name])
        if v:
            mean = statistics.mean(v)
            print(f"  {name:13} mean {mean:8.1f}  p50 {v[n // 2]:8.1f}  p99 {v[int(n * .99)]:8.1f} us"
                  f"  in it {rate * mean / 1e6:5.1f}")
    if issuer is not None and sum(enters.values()):
        waits = sum(c for (_, want), c in enters.items() if want > 0)
        print(f"  issuer {issuer}: io_uring_enter per write {sum(enters.values()) / max(n, 1):.3f}"
              f" ({waits / max(n, 1):.3f} waiting)")
    if span and off:
        print("  issuer off CPU per s: " + ", ".join(f"{k} {v / span * 1e3:.0f} ms" for k, v in sorted(off.items()))
              + "; on CPU per s: " + ", ".join(f"cpu{int(k)} {v / span * 1e3:.0f} ms" for k, v in sorted(oncpu.items())))


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(arg)
