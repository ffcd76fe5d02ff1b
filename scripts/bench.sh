#!/usr/bin/env bash
# Whole-process benchmark of ticketlint on ../shared/bench (see ../shared/bench/README.md).
#
# usage: scripts/bench.sh [--quick]
#
# Prints one row per input: size, median wall time over N runs, throughput (MB/s), and peak RSS
# (the largest of three runs, from /usr/bin/time or GNU time's %M, in MB of 10^6 bytes, as the
# targets count; before 2026-12-05 it printed MiB labelled MB). All rules on, default (human)
# output to a file.
# Times are whole processes: start-up, embedded packs parsed, rules compiled, output written.
# Uses hyperfine for the medians when it is installed (apt-get install hyperfine), else a
# Python timer. Needs ../shared/bench beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bench=${TICKETLINT_BENCH:-$root/../shared/bench}
[ -d "$bench/corpus" ] || { echo "bench.sh: $bench/corpus not found (set TICKETLINT_BENCH)" >&2; exit 2; }
runs=10
[ "${1:-}" = "--quick" ] && runs=3

cargo build --release --quiet
bin=$root/target/release/ticketlint
tmp=${TMPDIR:-/tmp}/ticketlint-bench
mkdir -p "$tmp"
big=$tmp/big-10mb.md
[ -f "$big" ] || bash "$bench/make-big.sh" "$big" 10000000 "$bench/corpus" 2>/dev/null
find "$bench/corpus" -type f \( -name '*.md' -o -name '*.txt' \) ! -name SOURCES.md -print0 | LC_ALL=C sort -z > "$tmp/corpus.list0"
corpus_bytes=$(xargs -0 -a "$tmp/corpus.list0" cat | wc -c)

python3 - "$bin" "$tmp" "$bench" "$big" "$corpus_bytes" "$runs" <<'PY'
import os, shutil, statistics, subprocess, sys, time, json, tempfile
bin_, tmp, bench, big, corpus_bytes, runs = sys.argv[1:7]
corpus_bytes, runs = int(corpus_bytes), int(runs)
out = os.path.join(tmp, "out.txt")
hyperfine = shutil.which("hyperfine")
gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None

def median_wall(cmd, runs, stdin=None, warmup=1):
    """Median wall seconds of a command (no shell syntax in it), whole process, its output
    written to `out`. With `stdin`, the command reads that file (through bash, whose start-up
    hyperfine measures and subtracts)."""
    if hyperfine:
        j = os.path.join(tmp, "hf.json")
        # `exec`: with a redirection and no `exec`, bash forks before it runs the command, and
        # that fork (about 2 ms here) is not part of the start-up hyperfine subtracts.
        how = ["-S", "bash", f"exec {cmd} < {stdin}"] if stdin else ["-N", cmd]
        subprocess.run([hyperfine, "--output", out, "--warmup", str(warmup), "--runs", str(runs), "-i",
                        "--export-json", j, "--style", "none", *how],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(open(j))["results"][0]["median"]
    times = []
    for i in range(runs + warmup):
        with open(out, "w") as o, open(stdin or os.devnull) as inp:
            t = time.perf_counter()
            subprocess.run(cmd.split(), stdin=inp, stdout=o, stderr=subprocess.DEVNULL)
            if i >= warmup:
                times.append(time.perf_counter() - t)
    return statistics.median(times)

def peak_rss_mb(cmd, stdin=None, runs=3):
    """The largest peak RSS of `runs` runs, in MB (10^6 bytes, as the targets and MB/s count;
    GNU time's %M is in KiB). The peak varies by a megabyte or so from run to run with how the
    threads' work overlaps: the largest is the one a limit must hold for."""
    if not gnu_time:
        return float("nan")
    shell = f"exec {cmd} < {stdin} > {out}" if stdin else f"exec {cmd} > {out}"
    peaks = []
    for _ in range(runs):
        r = subprocess.run([gnu_time, "-f", "%M", "bash", "-c", shell], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peaks.append(int(r.stderr.strip().splitlines()[-1]) * 1024 / 1e6)
    return max(peaks)

# Commands are plain argument lists (hyperfine -N runs them without a shell), so no shell
# syntax: output goes to `out` through hyperfine's --output, stdin through the fourth field.
corpus_cmd = lambda threads: f"xargs -0 -s 2000000 -a {tmp}/corpus.list0 {bin_} check --threads {threads}"
cpus = os.cpu_count() or 1
rows = [
    ("corpus (3188 files)", corpus_bytes, corpus_cmd(cpus), None),
    ("corpus, --threads 1", corpus_bytes, corpus_cmd(1), None),
    ("2 KB reply via stdin", os.path.getsize(f"{bench}/inputs/reply-2k.txt"), f"{bin_} check", f"{bench}/inputs/reply-2k.txt"),
    ("100 KB article", os.path.getsize(f"{bench}/inputs/article-100k.md"), f"{bin_} check {bench}/inputs/article-100k.md", None),
    ("10 MB single file", os.path.getsize(big), f"{bin_} check {big}", None),
]
print(f"ticketlint benchmark: {os.uname().machine}, {cpus} CPUs, median of {runs} runs, {'hyperfine' if hyperfine else 'python timer'}")
print(f"{'input':<24} {'size':>9} {'median':>10} {'MB/s':>8} {'peak RSS':>9}")
for name, size, cmd, stdin in rows:
    n = runs * 3 if size < 200_000 else runs
    wall = median_wall(cmd, n, stdin)
    rss = peak_rss_mb(cmd, stdin)
    print(f"{name:<24} {size/1e6:>7.2f}MB {wall*1000:>8.1f}ms {size/1e6/wall:>8.1f} {rss:>7.1f}MB")
PY
