#!/usr/bin/env python3
"""Per-write trace of a depth-1 gush run, from `perf script` text of
sched_switch, sched_wakeup, sched_migrate_task and sys_enter/exit_pwrite64
(bench/randwrite.md, 2026-12-05 09:27): each pwrite's duration, the delay
from its wake-up to running again, and whether the generator thread was on
a CPU during it."""
import re, sys, statistics, collections
path = sys.argv[1]
line_re = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')
ev = []
for l in open(path):
    m = line_re.match(l)
    if m: ev.append((float(m[4]), m[1], int(m[2]), int(m[3]), m[5], m[6]))
writers = collections.Counter(e[2] for e in ev if e[4].endswith('sys_enter_pwrite64'))
W = writers.most_common(1)[0][0]
gush = {e[2] for e in ev if e[1].startswith('gush')} | {int(x) for e in ev for x in re.findall(r'next_comm=gush\S* next_pid=(\d+)', e[5])}
# on-CPU intervals per tid
running = {}; on = collections.defaultdict(list); cpu_time = collections.Counter()
for t, comm, pid, cpu, name, rest in ev:
    if name == 'sched:sched_switch':
        prev = int(re.search(r'prev_pid=(\d+)', rest)[1]); nxt = int(re.search(r'next_pid=(\d+)', rest)[1])
        if prev in running:
            s, c = running.pop(prev); on[prev].append((s, t, c))
        running[nxt] = (t, cpu)
busy = {tid: sum(b - a for a, b, _ in iv) for tid, iv in on.items()}
cands = [tid for tid in busy if tid != W and tid in gush]
G = max(cands, key=lambda t: busy[t]) if cands else None
print(f"writer {W}: on CPU {busy.get(W,0)*1e3:.0f} ms; generator {G}: {busy.get(G,0)*1e3:.0f} ms in {len(on.get(G,[]))} stints")
gen = sorted(on.get(G, []))
def gen_on(a, b):
    # generator on CPU for any part of [a, b]; returns its cpus
    return {c for s, e, c in gen if s < b and e > a}
writes = []; enter = None; wake = None; wcpu = None
switched_in = None
for t, comm, pid, cpu, name, rest in ev:
    if name.endswith('sys_enter_pwrite64') and pid == W:
        enter = t; wake = None; switched_in = None; ecpu = cpu
    elif name == 'sched:sched_wakeup' and f'pid={W} ' in rest + ' ' and enter is not None:
        wake = t; wcpu = int(re.search(r'target_cpu=(\d+)', rest)[1])
    elif name == 'sched:sched_switch' and f'next_pid={W} ' in rest + ' ' and enter is not None and wake is not None:
        switched_in = t; incpu = cpu
    elif name.endswith('sys_exit_pwrite64') and pid == W and enter is not None:
        d = t - enter
        delay = (switched_in - wake) if (wake and switched_in) else None
        writes.append(dict(d=d, delay=delay, ov=bool(gen_on(enter, t)), gcpu=gen_on(enter, t), cpu=ecpu, xcpu=cpu, wcpu=wcpu if wake else None))
        enter = None
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs)-1, int(p/100*len(xs)))] if xs else float('nan')
def show(label, ws):
    ds = [w['d']*1e6 for w in ws]; dl = [w['delay']*1e6 for w in ws if w['delay'] is not None]
    print(f"{label:38} n={len(ws):6} dur p50 {pct(ds,50):6.1f} p99 {pct(ds,99):7.1f} us | wake->run p50 {pct(dl,50):5.1f} p99 {pct(dl,99):6.1f} us")
show("all writes", writes)
show("generator on CPU during the write", [w for w in writes if w['ov']])
show("generator off CPU", [w for w in writes if not w['ov']])
show("  ... gen on the writer's (exit) CPU", [w for w in writes if w['xcpu'] in w['gcpu']])
show("  ... gen on the other CPU only", [w for w in writes if w['ov'] and w['xcpu'] not in w['gcpu']])
for c in (0, 1):
    show(f"write ended on cpu{c}", [w for w in writes if w['xcpu'] == c])
slow = pct([w['d'] for w in writes], 99)
s = [w for w in writes if w['d'] >= slow]
print(f"slowest 1% ({len(s)}): {sum(w['ov'] for w in s)/len(s)*100:.0f}% overlap the generator (all: {sum(w['ov'] for w in writes)/len(writes)*100:.0f}%); "
      f"{sum(w['xcpu']!=w['cpu'] for w in s)/len(s)*100:.0f}% migrated (all {sum(w['xcpu']!=w['cpu'] for w in writes)/len(writes)*100:.0f}%)")
mig = sum(1 for e in ev if e[4]=='sched:sched_migrate_task' and f'pid={W} ' in e[5])
print(f"writer migrations {mig}, {mig/len(writes):.3f}/write; writer ran on cpu0 {sum(b-a for a,b,c in on[W] if c==0)*1e3:.0f} ms, cpu1 {sum(b-a for a,b,c in on[W] if c==1)*1e3:.0f} ms")
