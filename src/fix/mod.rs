//! `check --fix`, `--unsafe-fixes` and `--diff`: choose, order and apply the findings' edits
//! ([`edits`]), loop until nothing applicable is left, then write the result without losing
//! data ([`write`]) or print it as a unified diff.
//!
//! Per file: read the bytes once; refuse early if they cannot be written back exactly; fix in
//! rounds (re-parse, re-check, apply) with the kind and audience of the first check pinned, so a
//! fix cannot change how the document is judged; write to a temporary file in the same directory
//! and rename it over the original after checking the file did not change meanwhile. The last
//! round's check is the re-check whose findings are printed.

pub mod edits;
pub mod write;

pub use edits::{MAX_ROUNDS, Outcome, Plan, apply, converge, normalize, plan};

use crate::config::{FailOn, Settings};
use crate::diagnostic::Applicability;
use crate::emit::{Emitter, Summary};
use crate::engine::Engine;
use crate::error::Error;
use crate::walk::{self, Checked, Overrides};
use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to do with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// The least applicability applied: `Safe`, or `Unsafe` with `--unsafe-fixes`.
    pub level: Applicability,
    /// `--diff`: print what would change, change nothing.
    pub diff: bool,
}

/// One input to fix.
#[derive(Debug)]
pub enum Input {
    Stdin {
        name: String,
        name_path: PathBuf,
        bytes: Vec<u8>,
    },
    File(PathBuf),
}

/// Everything the fix driver needs from the command line.
pub struct Run<'a> {
    pub mode: Mode,
    pub inputs: Vec<Input>,
    /// Settings and engine per input (same order as `inputs`).
    pub loaded: Vec<Arc<(Settings, Engine)>>,
    pub overrides: Overrides,
    /// The paths named on the command line: symlinks may not lead out of these.
    pub roots: Vec<PathBuf>,
    pub emitter: &'a dyn Emitter,
    /// `--fail-on`, which beats each input's config (see [`crate::config::Settings::fails_on`]).
    pub fail_on: Option<FailOn>,
    pub threads: usize,
    /// Errors from finding the files (printed first; they make the exit code 2).
    pub errors: Vec<Error>,
}

/// The result of fixing one input.
struct Done {
    /// The findings to print: of the fixed text, or of the original when nothing was written.
    checked: Checked,
    /// The rule of every fix applied (or, for `--diff`, that would be).
    applied: Vec<String>,
    /// Unsafe fixes left on the final text in safe mode.
    withheld: usize,
    changed: bool,
    diff: Option<String>,
    /// For stdin: the bytes to print (fixed, or the input unchanged when refused).
    stdout: Option<Vec<u8>>,
    /// Why the input was not fixed.
    refusal: Option<Error>,
}

/// Run `check` in fix or diff mode. Returns the exit code.
pub fn run(r: Run) -> Result<i32, Error> {
    let stdin = r.inputs.iter().any(|i| matches!(i, Input::Stdin { .. }));
    if stdin && !r.mode.diff && r.inputs.len() > 1 {
        return Err(Error::Usage(
            "--fix on stdin prints the fixed text, so it cannot be combined with other paths".into(),
        ));
    }
    for e in &r.errors {
        eprint!("{}", e.render());
    }
    let repeated = repeats(&r.inputs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| Error::Io {
        path: "<stdout>".into(),
        source: e,
    };
    let mut refused = 0;
    let mut changed_files = 0;
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    let mut withheld = 0;
    let mut failed = false;
    let mut summary = Summary::default();
    let mut any_output = false;
    let mut unreadable = 0;
    // With stdin the fixed text owns stdout, so findings go to stderr.
    let mut findings = String::new();
    if !r.mode.diff {
        findings.push_str(&r.emitter.begin());
    }
    // Inputs are fixed in parallel and reported in order, holding only a few results at once.
    let work = |i: usize| (!repeated[i]).then(|| (i, process_guarded(&r, i)));
    let sink = |d: Option<(usize, Done)>| -> Result<(), Error> {
        let Some((i, d)) = d else { return Ok(()) };
        let fail_on = r.loaded[i].0.fails_on(r.fail_on);
        for n in &d.checked.notices {
            eprintln!("warning: {n}");
        }
        if let Some(e) = &d.checked.error {
            eprint!("{}", e.render());
            unreadable += 1;
        }
        if let Some(e) = &d.refusal {
            eprint!("{}", e.render());
            refused += 1;
        }
        if d.changed && d.refusal.is_none() {
            changed_files += 1;
            for rule in &d.applied {
                *applied.entry(rule.clone()).or_default() += 1;
            }
        }
        withheld += d.withheld;
        if r.mode.diff {
            if let Some(diff) = &d.diff {
                out.write_all(diff.as_bytes()).map_err(io)?;
            }
            return Ok(());
        }
        if let Some(bytes) = &d.stdout {
            out.write_all(bytes).map_err(io)?;
        }
        failed |= d.checked.diagnostics.iter().any(|x| fail_on.fails(x.severity));
        findings.push_str(&r.emitter.file(&d.checked, !any_output));
        any_output |= !d.checked.diagnostics.is_empty();
        summary.add(&d.checked);
        if !stdin {
            out.write_all(findings.as_bytes()).map_err(io)?;
            findings.clear();
        }
        Ok(())
    };
    walk::ordered(r.inputs.len(), r.threads, &[], work, sink)?;
    if !r.mode.diff {
        findings.push_str(&r.emitter.end(&summary));
        if stdin {
            eprint!("{findings}");
        } else {
            out.write_all(findings.as_bytes()).map_err(io)?;
        }
    }
    out.flush().map_err(io)?;
    drop(out);

    let total: usize = applied.values().sum();
    let per_rule: Vec<String> = applied.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if total > 0 {
        eprintln!(
            "{} {} in {} ({})",
            if r.mode.diff { "would fix" } else { "fixed" },
            plural(total, "finding", "findings"),
            plural(changed_files, "file", "files"),
            per_rule.join(", ")
        );
    } else if refused == 0 {
        eprintln!("no fixes to apply");
    }
    if refused > 0 {
        eprintln!(
            "{} not fixed (see the errors above)",
            plural(refused, "input was", "inputs were")
        );
    }
    if r.mode.level == Applicability::Safe && withheld > 0 {
        eprintln!(
            "{} available with --unsafe-fixes (rewordings: read them before sending)",
            plural(withheld, "more fix", "more fixes")
        );
    }
    let errors = r.errors.len() + refused + unreadable;
    Ok(if errors > 0 {
        2
    } else if (r.mode.diff && changed_files > 0) || (!r.mode.diff && failed) {
        1
    } else {
        0
    })
}

/// [`process`], with a panic reported as an internal error naming the input.
fn process_guarded(r: &Run, i: usize) -> Done {
    let name = match &r.inputs[i] {
        Input::Stdin { name, .. } => PathBuf::from(name),
        Input::File(p) => p.clone(),
    };
    crate::error::catch_panic(&name, || process(r, i)).unwrap_or_else(|e| Done {
        checked: Checked::failed(&name.to_string_lossy(), e),
        applied: vec![],
        withheld: 0,
        changed: false,
        diff: None,
        stdout: None,
        refusal: None,
    })
}

/// For each input: is it a file already listed earlier (a directory and a file in it, or the
/// same file named twice)? Fixing it twice would only make the second write see a changed file.
fn repeats(inputs: &[Input]) -> Vec<bool> {
    let mut seen = std::collections::HashSet::new();
    inputs
        .iter()
        .map(|i| match i {
            Input::File(p) => !seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
            Input::Stdin { .. } => false,
        })
        .collect()
}

fn process(r: &Run, i: usize) -> Done {
    let (settings, engine) = &*r.loaded[i];
    match &r.inputs[i] {
        Input::Stdin { name, name_path, bytes } => {
            let mut d = fix_bytes(engine, settings, r.overrides, r.mode, name, name_path, bytes.clone());
            if !r.mode.diff {
                d.stdout = Some(if d.changed && d.refusal.is_none() {
                    write::Encoding::of(bytes).encode(&d.checked.text)
                } else {
                    bytes.clone()
                });
            }
            d
        }
        Input::File(path) => fix_file(engine, settings, r.overrides, r.mode, path, &r.roots),
    }
}

fn refusal(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(message.to_string()),
    }
}

/// The checked tree a file belongs to: the directory named on the command line that holds it,
/// or, for a file named directly, its own directory.
fn root_of(path: &Path, roots: &[PathBuf]) -> PathBuf {
    roots
        .iter()
        .filter(|r| r.is_dir() && path.starts_with(r))
        .max_by_key(|r| r.components().count())
        .cloned()
        .unwrap_or_else(|| match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        })
}

fn fix_file(
    engine: &Engine,
    settings: &Settings,
    overrides: Overrides,
    mode: Mode,
    path: &Path,
    roots: &[PathBuf],
) -> Done {
    let name = path.to_string_lossy().into_owned();
    // Where the fixed text would be written: the file, or a symlink's target inside the tree.
    let target = if mode.diff {
        Ok(path.to_path_buf())
    } else {
        write::resolve_target(path, &root_of(path, roots))
    };
    let bytes = match crate::source::read_regular_file(path) {
        Ok(b) => b,
        Err(_) => {
            // `check_file` reports the read error in the usual way.
            return Done {
                checked: walk::check_file(engine, settings, overrides, path),
                applied: vec![],
                withheld: 0,
                changed: false,
                diff: None,
                stdout: None,
                refusal: None,
            };
        }
    };
    let mut d = fix_bytes(engine, settings, overrides, mode, &name, path, bytes.clone());
    if mode.diff || !d.changed || d.refusal.is_some() {
        return d;
    }
    let written = target.and_then(|t| {
        let new = write::Encoding::of(&bytes).encode(&d.checked.text);
        write::replace_file(&t, &bytes, &new)
    });
    if let Err(why) = written {
        d.refusal = Some(refusal(path, why));
        // Nothing was written: report the findings of the file as it still is.
        d.checked = walk::check_bytes(engine, settings, overrides, &name, path, bytes);
    }
    d
}

/// Fix one input's bytes in memory. `d.checked` holds the fixed text and its findings, or the
/// original's when the input must not be fixed (`d.refusal` says why).
fn fix_bytes(
    engine: &Engine,
    settings: &Settings,
    overrides: Overrides,
    mode: Mode,
    name: &str,
    name_path: &Path,
    bytes: Vec<u8>,
) -> Done {
    let original = walk::check_bytes(engine, settings, overrides, name, name_path, bytes.clone());
    let mut done = Done {
        checked: original,
        applied: vec![],
        withheld: 0,
        changed: false,
        diff: None,
        stdout: None,
        refusal: None,
    };
    let Some(profile) = done.checked.profile else {
        return done; // binary or unreadable: already reported
    };
    let has_fix = |c: &Checked| c.diagnostics.iter().any(|d| d.fix.is_some());
    if !has_fix(&done.checked) {
        return done;
    }
    if let Some(why) = write::round_trip_problem(&bytes, &done.checked.text) {
        done.refusal = Some(refusal(Path::new(name), format!("not fixed: {why}")));
        return done;
    }
    let pinned = Overrides {
        kind: Some(profile.kind),
        audience: Some(profile.audience),
        ..overrides
    };
    let order: HashMap<String, usize> = engine.rules().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    let mut first = Some(done.checked.diagnostics.clone());
    let outcome = converge(&done.checked.text, mode.level, &order, |t| {
        first.take().unwrap_or_else(|| {
            walk::check_bytes(engine, settings, pinned, name, name_path, t.as_bytes().to_vec()).diagnostics
        })
    });
    if !outcome.converged {
        let mut rules: Vec<&str> = outcome.applied.iter().map(String::as_str).collect();
        rules.sort_unstable();
        rules.dedup();
        done.refusal = Some(refusal(
            Path::new(name),
            format!(
                "not fixed: the fixes did not settle after {} rounds (rules: {}); please report this",
                outcome.rounds,
                rules.join(", ")
            ),
        ));
        return done;
    }
    done.withheld = outcome.withheld;
    if outcome.text == done.checked.text {
        done.checked.diagnostics = outcome.diagnostics;
        return done;
    }
    done.changed = true;
    done.applied = outcome.applied;
    if mode.diff {
        // The diff prints whole lines: the secrets in them starred out, as in every output.
        let text = &done.checked.text;
        let secrets: Vec<&str> = done.checked.redacted.iter().map(|r| &text[r.start..r.end]).collect();
        let (old, new) = (star_secrets(text, &secrets), star_secrets(&outcome.text, &secrets));
        done.diff = Some(unified_diff(&old, &new, name));
    }
    done.checked.text = outcome.text;
    done.checked.diagnostics = outcome.diagnostics;
    done
}

/// `text` with each occurrence of each of `secrets` starred out after the characters a masked
/// finding keeps (as `Checked::display_slice` shows a source line).
fn star_secrets(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let keep = crate::rules::shapes::redacted(secret).chars().count() - 1;
        let starred: String = secret
            .chars()
            .enumerate()
            .map(|(i, c)| if i < keep || c.is_whitespace() { c } else { '*' })
            .collect();
        out = out.replace(secret, &starred);
    }
    out
}

/// A unified diff of `old` -> `new` with three lines of context, headed by the path.
pub fn unified_diff(old: &str, new: &str, path: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}
