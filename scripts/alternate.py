#!/usr/bin/env python3
"""Compare two ticketlint binaries by running them in turn, whole process.

usage: scripts/alternate.py RUNS BIN_A BIN_B ARGS...
       scripts/alternate.py RUNS BIN_A BIN_B --corpus [--threads N]

Each round runs A, then B, with the same arguments (output to /dev/null); the first round is a
warm-up and is not counted. Prints, per binary, the median wall time and the median CPU time
(user + system, of the process and its children). `--corpus` checks every file of the bench
corpus list that `scripts/bench.sh` writes (${TMPDIR:-/tmp}/ticketlint-bench/corpus.list0), named
on one command line, and passes any further arguments on.

Alternating cancels most of a busy host's drift, which moves back-to-back tables by 10-20% on the
development VM. The commit messages' before/after wall times were measured this way (with a copy of
this script kept outside the repository before it was added here).
"""
import os
import resource
import statistics
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    runs = int(sys.argv[1])
    bins = sys.argv[2:4]
    rest = sys.argv[4:]
    if rest[0] == "--corpus":
        listing = os.path.join(os.environ.get("TMPDIR", "/tmp"), "ticketlint-bench", "corpus.list0")
        try:
            with open(listing, "rb") as f:
                paths = [p.decode() for p in f.read().split(b"\0") if p]
        except OSError as e:
            print(f"alternate.py: {listing}: {e} (run scripts/bench.sh once first)", file=sys.stderr)
            return 2
        rest = ["check", *rest[1:], *paths]
    times = {b: ([], []) for b in bins}
    for i in range(runs + 1):
        for b in bins:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([b, *rest], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if i > 0:
                times[b][0].append(wall)
                times[b][1].append(cpu)
    for b in bins:
        wall, cpu = times[b]
        print(f"{b}: wall {statistics.median(wall) * 1000:.1f} ms  cpu {statistics.median(cpu) * 1000:.1f} ms  ({runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
