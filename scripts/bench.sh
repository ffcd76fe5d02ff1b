#!/usr/bin/env bash
# Whole-process benchmark of ticketlint on ../shared/bench (see ../shared/bench/README.md).
#
# usage: scripts/bench.sh [--quick | --rss-gate]
#
# --rss-gate: no timing; checks the peak-RSS targets that hold (corpus <= 50 MB; the 10 MB file
# <= 3x its size + 20 MB), on 2 threads as the targets are set for a 2-core machine, and exits 1
# when one is exceeded. `.ci/run` runs it: memory is the one speed target a busy CI machine
# measures the same as an idle one (timings there would fail at random).
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
mode=table
case "${1:-}" in
  --quick) runs=3 ;;
  --rss-gate) mode=gate ;;
  "") ;;
  *) echo "usage: scripts/bench.sh [--quick | --rss-gate]" >&2; exit 2 ;;
esac

cargo build --release --quiet
bin=$root/target/release/ticketlint
tmp=${TMPDIR:-/tmp}/ticketlint-bench
mkdir -p "$tmp"
big=$tmp/big-10mb.md
[ -f "$big" ] || bash "$bench/make-big.sh" "$big" 10000000 "$bench/corpus" 2>/dev/null
find "$bench/corpus" -type f \( -name '*.md' -o -name '*.txt' \) ! -name SOURCES.md -print0 | LC_ALL=C sort -z > "$tmp/corpus.list0"
corpus_bytes=$(xargs -0 -a "$tmp/corpus.list0" cat | wc -c)

python3 - "$bin" "$tmp" "$bench" "$big" "$corpus_bytes" "$runs" "$mode" <<'PY'
import os, shutil, statistics, subprocess, sys, time, json, tempfile
bin_, tmp, bench, big, corpus_bytes, runs, mode = sys.argv[1:8]
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
    shell = f"exec {cmd} < {stdin} > {out}" if stdin else f"exec {cmd} > {out}"
    peaks = []
    for _ in range(runs):
        # The command's exit status, then its peak RSS in KiB, on stderr's last line.
        if gnu_time:
            r = subprocess.run([gnu_time, "-f", "%x %M", "bash", "-c", shell], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        else:
            # Without GNU time: a fresh Python whose only child is the command reads the
            # children's peak (Linux: KiB, the largest process of the command's tree).
            probe = "import resource,subprocess,sys; c = subprocess.run(sys.argv[1:]).returncode; print(c, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
            r = subprocess.run([sys.executable, "-c", probe, "bash", "-c", shell], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        status, kib = r.stderr.strip().splitlines()[-1].split()
        if mode == "gate" and status != "0":
            # A crash (or a missing binary) would measure a tiny peak: never a pass.
            sys.exit(f"FAIL `{cmd}` exited with status {status}")
        peaks.append(int(kib) * 1024 / 1e6)
    return max(peaks)

# Commands are plain argument lists (hyperfine -N runs them without a shell), so no shell
# syntax: output goes to `out` through hyperfine's --output, stdin through the fourth field.
corpus_cmd = lambda threads: f"xargs -0 -s 2000000 -a {tmp}/corpus.list0 {bin_} check --threads {threads}"
cpus = os.cpu_count() or 1
if mode == "gate":
    big_size = os.path.getsize(big)
    checks = [
        # --fail-on never: a run that checks every file exits 0, so any other status is a failure.
        ("corpus (3188 files), --threads 2", corpus_cmd(2) + " --fail-on never", 50.0),
        ("10 MB single file, --threads 2", f"{bin_} check --threads 2 --fail-on never {big}", 3 * big_size / 1e6 + 20),
    ]
    failed = False
    for name, cmd, limit in checks:
        rss = peak_rss_mb(cmd, runs=3)
        ok = rss <= limit
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name:<34} peak RSS {rss:6.1f} MB (largest of 3), limit {limit:.1f} MB")
    sys.exit(1 if failed else 0)
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
