//! In-process benchmarks (criterion): what checking costs without the process around it.
//!
//! `cargo bench` (or `cargo bench --bench check -- corpus` for one group). The inputs are those of
//! `scripts/bench.sh`, from `../shared/bench` beside the repository (or `TICKETLINT_BENCH`);
//! without them every group is skipped with a message. `scripts/bench.sh` times whole processes
//! (start-up, packs, regex compilation, output); these time the library's work per input, each
//! input read into memory first:
//!
//! - `engine/builtin`: building the engine from the embedded packs (the phrase index, the rules;
//!   regexes are compiled on first use, once per process, so not here);
//! - `check/*`: one input through `walk::check_bytes` (decode, parse, detect the kind, every rule)
//!   on one thread, the engine and its regexes warm, as for the second and later files of a run
//!   (built with literal prefilters, the library default and what a run of 1 MiB or more uses);
//! - `corpus/one-thread`: every bench corpus file in turn, one thread: the per-core throughput
//!   that a many-file run divides among its threads.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use ticketlint::config::Settings;
use ticketlint::engine::Engine;
use ticketlint::walk::{Overrides, check_bytes};

fn bench_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TICKETLINT_BENCH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench"));
    if dir.join("corpus").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "benches/check.rs: {} not found (set TICKETLINT_BENCH); skipping",
            dir.display()
        );
        None
    }
}

/// The corpus files `scripts/bench.sh` checks (`*.md` and `*.txt` but `SOURCES.md`), sorted.
fn corpus(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.join("corpus")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("corpus directory readable").flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                stack.push(path);
            } else if name != "SOURCES.md" && path.extension().is_some_and(|e| e == "md" || e == "txt") {
                let bytes = std::fs::read(&path).expect("corpus file readable");
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

fn check_one(engine: &Engine, settings: &Settings, path: &Path, bytes: &[u8]) -> usize {
    let name = path.to_string_lossy();
    check_bytes(engine, settings, Overrides::default(), &name, path, bytes.to_vec())
        .diagnostics
        .len()
}

fn benches(c: &mut Criterion) {
    let Some(dir) = bench_dir() else { return };
    let settings = Settings::default();

    let mut group = c.benchmark_group("engine");
    group.bench_function("builtin", |b| {
        b.iter(|| black_box(Engine::builtin().expect("built-in packs")))
    });
    group.finish();

    let engine = Engine::builtin().expect("built-in packs");
    let mut group = c.benchmark_group("check");
    for name in ["reply-2k.txt", "article-100k.md"] {
        let path = dir.join("inputs").join(name);
        let bytes = std::fs::read(&path).expect("bench input readable");
        // Warm: the regexes this input reaches are compiled before the timing starts.
        check_one(&engine, &settings, &path, &bytes);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| b.iter(|| check_one(&engine, &settings, &path, &bytes)));
    }
    group.finish();

    let files = corpus(&dir);
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    for (path, bytes) in &files {
        check_one(&engine, &settings, path, bytes);
    }
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("one-thread", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(p, bytes)| check_one(&engine, &settings, p, bytes))
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(check, benches);
criterion_main!(check);
