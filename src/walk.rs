//! Finding the files to check, and the per-file pipeline: read, decode, parse, profile, check.
//! Per-file failures become notices and the run goes on (exit code 2 at the end).

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, InputFormat, directives, email};
use crate::engine::{Engine, JUDGE_LIMIT, MAX_FINDINGS};
use crate::error::Error;
use crate::profile::{Audience, Kind, Profile};
use crate::source::{Decoded, decode};
use std::path::{Path, PathBuf};

/// Extensions checked when walking a directory (files named explicitly are always checked).
pub const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "text", "eml", "html", "htm"];

/// Expand the given paths: files as they are, directories walked recursively honouring
/// `.gitignore`/`.ignore` (hidden files skipped), in sorted order. Walking lists regular files
/// only: symbolic links are not followed (so a link loop cannot trap the walk) and FIFOs,
/// sockets and devices are skipped, so nothing found by walking can block the run. A path
/// named explicitly that is not a regular file or directory is an error naming it.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let (files, errors) = collect_sized(paths, 1);
    (files.into_iter().map(|(p, _)| p).collect(), errors)
}

/// Paths named on the command line from which their `stat`s are spread over the run's threads.
const PARALLEL_STAT_PATHS: usize = 256;

/// [`collect`], with each file's size as it was listed: a file named on the command line reuses
/// the metadata that decided it is a file (no second `stat`); a file found by walking costs the
/// walker's `lstat`, in place of the `stat` the CLI made later before. Many paths (a file list
/// from `xargs`, at least [`PARALLEL_STAT_PATHS`]) are `stat`ed on `threads` threads: the bench
/// corpus's 3188 paths took 10 ms on one thread, before any file was read.
pub fn collect_sized(paths: &[PathBuf], threads: usize) -> (Vec<(PathBuf, u64)>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let metadata: Vec<std::io::Result<std::fs::Metadata>> = if threads > 1 && paths.len() >= PARALLEL_STAT_PATHS {
        // (At most 16 threads, however many `--threads` asks for: one per chunk.)
        let chunk = paths.len().div_ceil(threads.min(16));
        std::thread::scope(|scope| {
            let parts: Vec<_> = paths
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(std::fs::metadata).collect::<Vec<_>>()))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    } else {
        paths.iter().map(std::fs::metadata).collect()
    };
    // A file named twice, or named and found in a directory also named, is checked once: by
    // device and inode on Unix (from the metadata at hand, no extra system call), by path
    // elsewhere. (ruff and typos check such a file once too; fix mode did already.)
    let mut seen: foldhash::HashSet<FileId> = Default::default();
    for (p, meta) in paths.iter().zip(metadata) {
        match meta {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                for entry in ignore::WalkBuilder::new(p).follow_links(false).build() {
                    match entry {
                        Ok(e) => {
                            if e.file_type().is_some_and(|t| t.is_file())
                                && e.path()
                                    .extension()
                                    .and_then(|x| x.to_str())
                                    .is_some_and(|x| EXTENSIONS.iter().any(|ext| ext.eq_ignore_ascii_case(x)))
                            {
                                let meta = e.metadata().ok();
                                let len = meta.as_ref().map_or(0, |m| m.len());
                                if seen.insert(FileId::of(e.path(), meta.as_ref())) {
                                    found.push((e.into_path(), len));
                                }
                            }
                        }
                        Err(err) => errors.push(Error::Io {
                            path: p.clone(),
                            source: std::io::Error::other(err.to_string()),
                        }),
                    }
                }
                found.sort();
                files.extend(found);
            }
            Ok(m) if m.is_file() => {
                if seen.insert(FileId::of(p, Some(&m))) {
                    files.push((p.clone(), m.len()));
                }
            }
            Ok(m) => errors.push(Error::Io {
                path: p.clone(),
                source: std::io::Error::other(format!(
                    "{}; only regular files are checked (pipe a stream to `ticketlint check -`)",
                    crate::source::not_regular(&m.file_type())
                )),
            }),
            Err(e) => errors.push(Error::Io {
                path: p.clone(),
                source: e,
            }),
        }
    }
    (files, errors)
}

/// What makes two listed paths one file: device and inode on Unix, the path elsewhere (or
/// without metadata).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileId {
    fn of(path: &std::path::Path, meta: Option<&std::fs::Metadata>) -> FileId {
        #[cfg(unix)]
        if let Some(m) = meta {
            use std::os::unix::fs::MetadataExt;
            return FileId::Inode(m.dev(), m.ino());
        }
        #[cfg(not(unix))]
        let _ = meta;
        FileId::Path(path.to_path_buf())
    }
}

/// What the command line fixes for every file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    pub kind: Option<Kind>,
    pub audience: Option<Audience>,
    pub input_format: Option<InputFormat>,
    /// Report directives that suppressed nothing (`unused-disable`).
    pub report_unused_disables: bool,
    /// Threads one big document's rules may run on (see [`Engine::check_detecting_on`]): the
    /// run's threads when it has one input, else 1 (0 counts as 1).
    pub doc_threads: usize,
}

/// The outcome of checking one input.
#[derive(Debug)]
pub struct Checked {
    pub path: String,
    /// The decoded text (for rendering source lines); empty when the file was not checked.
    pub text: String,
    pub profile: Option<Profile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Non-fatal notes: lossy decoding, skipped binary files.
    pub notices: Vec<String>,
    /// The file could not be checked.
    pub error: Option<Error>,
    /// Spans of sensitive text (findings of rules with `redact = true`): every output shows
    /// them masked, in a finding's `text` and in any source line it prints.
    pub redacted: Vec<crate::diagnostic::Span>,
}

impl Checked {
    /// The text a finding covers, as outputs may show it: masked when it is sensitive.
    pub fn finding_text(&self, d: &Diagnostic) -> std::borrow::Cow<'_, str> {
        let text = &self.text[d.span.start..d.span.end];
        if self.redacted.contains(&d.span) {
            std::borrow::Cow::Owned(crate::rules::shapes::redacted(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    /// `self.text[start..end]` (one source line) with sensitive spans starred out, keeping
    /// their first characters as in [`Checked::finding_text`] and every column in place.
    pub fn display_slice(&self, start: usize, end: usize) -> std::borrow::Cow<'_, str> {
        let line = &self.text[start..end];
        // For each sensitive span, the part after the characters a masked text keeps.
        let hidden: Vec<(usize, usize)> = self
            .redacted
            .iter()
            .filter(|r| r.start < end && r.end > start)
            .map(|r| {
                let secret = &self.text[r.start..r.end];
                let keep = crate::rules::shapes::redacted(secret).chars().count() - 1;
                let from = secret.char_indices().nth(keep).map_or(r.end, |(k, _)| r.start + k);
                (from, r.end)
            })
            .collect();
        if hidden.is_empty() {
            return std::borrow::Cow::Borrowed(line);
        }
        let mut out = String::with_capacity(line.len());
        for (i, c) in line.char_indices() {
            let at = start + i;
            let masked = hidden.iter().any(|&(a, b)| at >= a && at < b);
            out.push(if masked && !c.is_whitespace() { '*' } else { c });
        }
        std::borrow::Cow::Owned(out)
    }
}

impl Checked {
    /// An input that could not be checked.
    pub fn failed(path: &str, error: Error) -> Checked {
        Checked {
            path: path.into(),
            text: String::new(),
            profile: None,
            diagnostics: vec![],
            notices: vec![],
            error: Some(error),
            redacted: vec![],
        }
    }
}

/// Check one input's bytes. `name` is what output shows; `name_path` drives format detection
/// and path globs.
pub fn check_bytes(
    engine: &Engine,
    settings: &Settings,
    overrides: Overrides,
    name: &str,
    name_path: &Path,
    bytes: Vec<u8>,
) -> Checked {
    #[cfg(debug_assertions)]
    if let Some(v) = std::env::var_os("TICKETLINT_TEST_PANIC")
        && name.ends_with(&*v.to_string_lossy())
    {
        // Lets the tests prove that a panic while checking one file does not stop the run.
        panic!("test panic requested by TICKETLINT_TEST_PANIC");
    }
    let mut notices = Vec::new();
    let text = match decode(bytes) {
        Decoded::Binary => {
            notices.push(format!("{name}: skipped: binary file (NUL bytes in the first 8 KiB)"));
            return Checked {
                path: name.into(),
                text: String::new(),
                profile: None,
                diagnostics: vec![],
                notices,
                error: None,
                redacted: vec![],
            };
        }
        Decoded::Text { text, lossy } => {
            if let Some(at) = lossy {
                notices.push(format!("{name}: invalid UTF-8 at byte {at}; invalid bytes read as `?`"));
            }
            text
        }
    };
    let format = overrides
        .input_format
        .unwrap_or_else(|| InputFormat::from_path(&name_path.to_string_lossy()));
    // A transfer-encoded e-mail body is checked decoded; its spans then refer to that text.
    let (text, format) = email::decoded_body(text, format);
    let doc = Document::parse_on(&text, format, overrides.doc_threads.max(1));
    let (glob_kind, glob_audience) = settings.profile_for(name_path);
    let given = overrides.kind.or(glob_kind).or(doc.front_matter.kind);
    let audience = overrides
        .audience
        .or(glob_audience)
        .or(doc.front_matter.audience)
        .unwrap_or(Audience::EndUser);
    let (kind, diagnostics) = engine.check_detecting_on(&doc, given, audience, overrides.doc_threads.max(1));
    // The engine stops judging at JUDGE_LIMIT findings: then the rest of the file is unseen.
    let stopped = diagnostics.len() >= JUDGE_LIMIT;
    if doc.directives_dropped {
        notices.push(format!(
            "{name}: more than {} ticketlint directives; only the first {} are honoured",
            directives::MAX_DIRECTIVES,
            directives::MAX_DIRECTIVES
        ));
    }
    // A directive naming a rule id that does not exist (a typo): a finding on the directive,
    // which directives may suppress like any other.
    let mut diagnostics = diagnostics;
    // Left out of `select` (not ignored), a notice says so instead.
    if engine.tells_unknown_ids() && !doc.directives.is_empty() {
        let candidates: Vec<&str> = engine.known_ids().collect();
        let severity = engine.unknown_rule().map_or(Severity::Warning, |r| r.severity);
        let unknown = directives::unknown_ids(&doc.directives, &|id| engine.knows(id), &candidates, severity);
        if engine.unknown_rule().is_some() {
            if !unknown.is_empty() {
                diagnostics.extend(unknown);
                diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
            }
        } else {
            for d in unknown {
                let line = memchr::memchr_iter(b'\n', &text.as_bytes()[..d.span.start]).count() + 1;
                let hint = d
                    .suggestion
                    .filter(|s| s.starts_with("did you mean"))
                    .map_or(String::new(), |s| format!(" ({s})"));
                notices.push(format!("{name}:{line}: {}{hint}", d.message));
            }
        }
    }
    let known = |id: &str| engine.knows(id);
    let enabled = |id: &str| engine.rule(id).is_some();
    let ids = directives::Ids {
        known: &known,
        enabled: &enabled,
        unknown_as_unused: engine.unknown_rule().is_none(),
    };
    let (mut diagnostics, mut unused) = directives::apply_with(&doc.directives, text.len(), diagnostics, &ids);
    let severity = engine.unused_rule().severity;
    unused.iter_mut().for_each(|d| d.severity = severity);
    // After an early stop, a directive may look unused only because its findings were not reached.
    if engine.reports_unused(overrides.report_unused_disables) && !unused.is_empty() && !stopped {
        diagnostics.extend(unused);
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    }
    if stopped || diagnostics.len() > MAX_FINDINGS {
        let found = if stopped {
            format!("more than {JUDGE_LIMIT}")
        } else {
            diagnostics.len().to_string()
        };
        diagnostics.truncate(MAX_FINDINGS);
        notices.push(format!(
            "{name}: too many findings ({found}); only the first {MAX_FINDINGS} are reported"
        ));
    }
    drop(doc);
    let redacted = diagnostics
        .iter()
        .filter(|d| engine.redacts(&d.rule))
        .map(|d| d.span)
        .collect();
    Checked {
        path: name.into(),
        text,
        profile: Some(Profile {
            kind,
            audience,
            kind_detected: given.is_none(),
        }),
        diagnostics,
        notices,
        error: None,
        redacted,
    }
}

/// Check a file on disk (a regular file only: see [`crate::source::read_regular_file`]).
pub fn check_file(engine: &Engine, settings: &Settings, overrides: Overrides, path: &Path) -> Checked {
    check_read(
        engine,
        settings,
        overrides,
        path,
        crate::source::read_regular_file(path),
    )
}

/// [`check_file`] of a file already read (`read`: what [`crate::source::read_regular_file`]
/// returned for `path`).
pub fn check_read(
    engine: &Engine,
    settings: &Settings,
    overrides: Overrides,
    path: &Path,
    read: std::io::Result<Vec<u8>>,
) -> Checked {
    let name = path.to_string_lossy().into_owned();
    match read {
        Ok(bytes) => check_bytes(engine, settings, overrides, &name, path, bytes),
        Err(e) => Checked::failed(
            &name,
            Error::Io {
                path: path.to_path_buf(),
                source: e,
            },
        ),
    }
}

/// `f(0)` .. `f(n - 1)` on up to `threads` threads (the calling thread one of them), each index
/// taken from a shared counter, the results in index order. For the pieces of one document (its
/// rules, its Markdown pieces); a panic on a helper is re-raised on the caller.
pub fn indexed<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return done;
            }
            done.push((i, f(i)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(n))
            .map(|_| {
                scope.spawn(|| {
                    let done = crate::error::on_helper(work);
                    crate::heap::release_thread();
                    done
                })
            })
            .collect();
        let mut done = work();
        for h in helpers {
            let found = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            done.extend(found.unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// How many inputs a worker may run ahead of the output when they are small (see [`ordered`]).
pub const AHEAD_MAX: usize = 256;
/// How many bytes of input may be run ahead of the output beyond the first window.
pub const AHEAD_BYTES: u64 = 16 << 20;

/// Run `work(i)` for every `i` in `0..n` on `threads` threads (the calling one among them) and
/// hand each result to `sink` in index order, as soon as it and all before it are done. A
/// worker may always run up to `2 * threads` inputs ahead of the one `sink` waits for, and
/// further (up to [`AHEAD_MAX`] inputs) while the inputs from that one to its own add up to at
/// most [`AHEAD_BYTES`] by `sizes` (the inputs' sizes in bytes; an empty slice allows only the
/// first window). So a slow early input cannot make finished results pile up beyond a bound,
/// whatever `n` is, and many small files do not leave a worker idle behind one big file (on the
/// bench corpus, a window of 4 inputs kept 2 threads at 1.4-1.7x of one). When `sink` fails,
/// the workers stop taking inputs and the error is returned.
pub fn ordered<T: Send, E>(
    n: usize,
    threads: usize,
    sizes: &[u64],
    work: impl Fn(usize) -> T + Sync,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};
    if threads <= 1 || n < 2 {
        for i in 0..n {
            sink(work(i))?;
        }
        return Ok(());
    }
    let window = threads * 2;
    // prefix[i]: total size of inputs before i.
    let prefix: Vec<u64> = std::iter::once(0)
        .chain(sizes.iter().scan(0u64, |t, &x| {
            *t = t.saturating_add(x);
            Some(*t)
        }))
        .collect();
    let may_start = |i: usize, printed: usize| {
        i < printed + window
            || (i < printed + AHEAD_MAX && i + 1 < prefix.len() && prefix[i + 1] - prefix[printed] <= AHEAD_BYTES)
    };
    let next = AtomicUsize::new(0);
    // (inputs handed to `sink` so far, stop, workers waiting on `moved`)
    let gate = Mutex::new((0usize, false, 0usize));
    let moved = Condvar::new();
    let lock = || gate.lock().unwrap_or_else(|p| p.into_inner());
    /// Sets the stop flag and wakes every waiting thread when dropped: always (`always`), or
    /// only while the thread unwinds from a panic.
    struct Stop<'a> {
        gate: &'a Mutex<(usize, bool, usize)>,
        moved: &'a Condvar,
        always: bool,
    }
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            if self.always || std::thread::panicking() {
                self.gate.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
                self.moved.notify_all();
            }
        }
    }
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, T)>();
        // The calling thread is one of the `threads`: it checks inputs too, between handing
        // results to `sink`. (With a thread of its own waiting on the results, every input woke it
        // and put it between the workers on the cores: on the bench corpus, 2 threads, 7,700
        // context switches and 15% more CPU time than one thread.)
        for _ in 1..threads.min(n) {
            let tx = tx.clone();
            let (next, work, gate, moved, may_start) = (&next, &work, &gate, &moved, &may_start);
            scope.spawn(move || {
                // A panic in `work` here: tell the others to stop, so that the calling thread's
                // wait for results ends (every sender gone) and the scope re-raises the panic.
                let _stop = Stop {
                    gate,
                    moved,
                    always: false,
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let mut g = gate.lock().unwrap_or_else(|p| p.into_inner());
                    while !g.1 && !may_start(i, g.0) {
                        g.2 += 1;
                        g = moved.wait(g).unwrap_or_else(|p| p.into_inner());
                        g.2 -= 1;
                    }
                    if g.1 {
                        break;
                    }
                    drop(g);
                    if tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
                // Its allocation arena to the next thread (see `heap`).
                crate::heap::release_thread();
            });
        }
        drop(tx);
        // However this returns (an error from `sink`, or a panic in it), waiting workers are
        // told to stop, so the scope can join them.
        let _stop = Stop {
            gate: &gate,
            moved: &moved,
            always: true,
        };
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        while want < n {
            while let Ok((i, t)) = rx.try_recv() {
                pending.insert(i, t);
            }
            if let Some(t) = pending.remove(&want) {
                sink(t)?;
                want += 1;
                // Wake the workers only when one waits: `notify_all` is a system call even
                // when none does (one per input, 3,188 on the bench corpus).
                let waiting = {
                    let mut g = lock();
                    g.0 = want;
                    g.2 > 0
                };
                if waiting {
                    moved.notify_all();
                }
                continue;
            }
            // Nothing to hand on: check the next input here if the window allows it (and no
            // worker has stopped the run), else wait for a worker's result.
            let i = next.load(Ordering::Relaxed);
            if i < n && may_start(i, want) && !lock().1 {
                // Lost to a worker: look again.
                if next
                    .compare_exchange(i, i + 1, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
                {
                    pending.insert(i, work(i));
                }
                continue;
            }
            match rx.recv() {
                Ok((i, t)) => {
                    pending.insert(i, t);
                }
                // Every worker is gone and `want` is not here: `work` panicked on the worker
                // that had it (the others stopped; the scope re-raises the panic).
                Err(_) => break,
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    /// Many paths are `stat`ed on several threads: the same files, sizes, order and errors as
    /// on one.
    #[test]
    fn many_paths_are_listed_alike_on_several_threads() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..(super::PARALLEL_STAT_PATHS + 37) {
            let p = dir.path().join(format!("f{i:04}.txt"));
            std::fs::write(&p, "x".repeat(i % 13)).unwrap();
            paths.push(p);
            if i % 50 == 7 {
                paths.push(dir.path().join(format!("missing{i}.txt")));
            }
        }
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.md"), "hello").unwrap();
        paths.insert(100, sub);
        let (one, one_errors) = super::collect_sized(&paths, 1);
        let (three, three_errors) = super::collect_sized(&paths, 3);
        assert_eq!(one.len(), super::PARALLEL_STAT_PATHS + 38);
        assert_eq!(one, three);
        assert_eq!(one_errors.len(), 6);
        let shown = |e: &[crate::error::Error]| e.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        assert_eq!(shown(&one_errors), shown(&three_errors));
        // The directory's file in the directory's place (two missing paths came before it).
        assert!(one[98].0.ends_with("sub/a.md") && one[98].1 == 5, "{:?}", one[98]);
        assert_eq!(one[97].1, 97 % 13);
    }

    /// A file named twice, under two spellings, or named and inside a directory also named, is
    /// listed once, where it first appears; distinct files with equal contents stay apart.
    #[test]
    fn a_file_named_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let (a, b) = (sub.join("a.txt"), sub.join("b.txt"));
        std::fs::write(&a, "same").unwrap();
        std::fs::write(&b, "same").unwrap();
        let other_spelling = sub.join("..").join("sub").join("a.txt");
        let (files, errors) = super::collect(&[a.clone(), other_spelling, sub.clone(), a.clone(), b.clone()]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(files, vec![a.clone(), b.clone()]);
        // The directory first: its files in its place, the named ones not again.
        let (files, _) = super::collect(&[sub.clone(), b.clone()]);
        assert_eq!(files, vec![a, b]);
    }

    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn ordered_keeps_order_and_bounds_waiting_results() {
        // A slow first input: the others must not pile up behind it.
        let threads = 2;
        let ahead = most_ahead(200, threads, &[]);
        assert!(ahead <= 2 * threads, "{ahead} inputs were run ahead of the output");
    }

    /// How far ahead of the output the workers ran, with a slow first input and these sizes.
    fn most_ahead(n: usize, threads: usize, sizes: &[u64]) -> usize {
        let started = AtomicUsize::new(0);
        let mut sunk = Vec::new();
        let mut most_ahead = 0;
        ordered(
            n,
            threads,
            sizes,
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                if i == 0 {
                    std::thread::sleep(Duration::from_millis(200));
                }
                i
            },
            |i| -> Result<(), ()> {
                most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - sunk.len());
                sunk.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(sunk, (0..n).collect::<Vec<_>>());
        most_ahead
    }

    #[test]
    fn small_inputs_run_further_ahead_within_the_byte_budget() {
        // 1 KB inputs: the byte budget lets the other worker go on past the first window...
        let ahead = most_ahead(1000, 2, &[1024; 1000]);
        assert!(ahead > 4 && ahead <= AHEAD_MAX, "{ahead}");
        // ...but 10 MB inputs stay within it, and so do inputs of unknown size.
        assert!(most_ahead(100, 2, &[10 << 20; 100]) <= 4);
        assert!(most_ahead(100, 2, &[]) <= 4);
    }

    /// `threads` threads in all: the calling thread is one of them (no thread of its own just
    /// waiting for results), and the order is kept.
    #[test]
    fn ordered_checks_on_the_calling_thread_too() {
        let caller = std::thread::current().id();
        let ids = std::sync::Mutex::new(std::collections::HashSet::new());
        let mut sunk = Vec::new();
        ordered(
            400,
            2,
            &[1024; 400],
            |i| {
                ids.lock().unwrap().insert(std::thread::current().id());
                // Long enough that both threads get inputs.
                std::thread::sleep(Duration::from_micros(200));
                i
            },
            |i| -> Result<(), ()> {
                sunk.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(sunk, (0..400).collect::<Vec<_>>());
        let ids = ids.into_inner().unwrap();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert!(ids.contains(&caller));
    }

    /// A panic in `work` on a worker, with another worker waiting for the window to move: the
    /// run ends with the panic instead of waiting for a result that never comes.
    #[test]
    fn ordered_does_not_hang_when_work_panics_on_a_worker() {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let caller = std::thread::current().id();
            let panicked = std::sync::atomic::AtomicBool::new(false);
            let r = std::panic::catch_unwind(|| {
                ordered(
                    200,
                    3,
                    &[],
                    |i| {
                        // The first input a worker takes.
                        let worker = std::thread::current().id() != caller;
                        assert!(!worker || panicked.swap(true, Ordering::SeqCst), "work bug");
                        std::thread::sleep(Duration::from_millis(1));
                        i
                    },
                    |_| -> Result<(), ()> { Ok(()) },
                )
            });
            let _ = done.send(r.is_err());
        });
        assert_eq!(finished.recv_timeout(Duration::from_secs(20)), Ok(true));
    }

    #[test]
    fn ordered_does_not_hang_when_the_sink_panics() {
        let r = std::panic::catch_unwind(|| {
            ordered(
                1000,
                2,
                &[],
                |i| i,
                |i| -> Result<(), ()> {
                    assert!(i != 3, "sink bug");
                    Ok(())
                },
            )
        });
        assert!(r.is_err());
    }

    #[test]
    fn ordered_stops_when_the_sink_fails() {
        let ran = AtomicUsize::new(0);
        let mut seen = 0;
        let r = ordered(
            10_000,
            2,
            &[],
            |i| {
                ran.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| {
                seen += 1;
                if i == 3 { Err("closed") } else { Ok(()) }
            },
        );
        assert_eq!(r, Err("closed"));
        assert_eq!(seen, 4);
        assert!(ran.load(Ordering::SeqCst) < 100);
    }
}
