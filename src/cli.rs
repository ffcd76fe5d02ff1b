//! Command line: clap arguments -> a run, and the exit code.
//!
//! Exit codes: 0 = nothing at or above the fail level; 1 = findings at or above it;
//! 2 = usage, config or I/O error.

use crate::config::{self, FailOn, Settings};
use crate::document::InputFormat;
use crate::emit::{self, Emitter, Format, Summary, rule_info::InfoFormat};
use crate::engine::Engine;
use crate::error::{self, Error};
use crate::profile::{Audience, Kind};
use crate::walk::{self, Checked, Overrides};
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "ticketlint",
    version,
    about = "Lint the words IT people send: ticket replies, incident updates, handoffs, change notices, KB articles."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files, directories, or stdin (`-`).
    Check(CheckArgs),
    /// List every rule: id, default severity, kinds, one line.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = InfoFormat::Human)]
        format: InfoFormat,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Explain a rule: what it checks, why it matters, a bad and a good example.
    Explain {
        /// A rule id, e.g. blame-language.
        rule: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = InfoFormat::Human)]
        format: InfoFormat,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Write a commented starter `.ticketlint.toml` in the current directory.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Run the language server (LSP over stdin/stdout) for editors.
    Lsp {
        /// Accepted because generic editor clients pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Which config to use: the flags `check`, `rules` and `explain` share. `rules` and `explain`
/// describe the config `check .` would use, so that rules from `extends` packs and `[[rule]]`
/// tables, and `[severity]` overrides, are listed and explained; `select`/`ignore` do not hide
/// rules there (as `ruff rule` lists every rule).
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Use this config file instead of discovering `.ticketlint.toml`.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every `.ticketlint.toml`; use the built-in rules and defaults.
    #[arg(long)]
    pub no_config: bool,
    /// Let a config's `extends` name rule packs outside the repository (the nearest directory
    /// above the config holding `.git`). Off by default: a config from a pull request must not
    /// read files outside the checkout.
    #[arg(long)]
    pub allow_outside_config: bool,
}

impl ConfigArgs {
    /// The engine `rules` and `explain` describe: that of the config these flags choose, found
    /// from the current directory, with no rule hidden by `select`/`ignore`.
    fn engine(&self) -> Result<Engine, Error> {
        let path = if self.no_config {
            None
        } else {
            self.config
                .clone()
                .or_else(|| crate::config::discover(Path::new("./-")))
        };
        let Some(path) = path else {
            return Engine::builtin();
        };
        let mut settings = Settings::load_with(&path, self.allow_outside_config)?;
        settings.select = None;
        settings.ignore.clear();
        Engine::new(&settings)
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories; `-` reads stdin. Default: stdin when it is not a terminal, else `.`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check every document as this kind (default: config, front matter, then detection).
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Check every document for this audience (default: config, front matter, then end-user).
    #[arg(long, value_enum)]
    pub audience: Option<Audience>,
    /// Exit 1 when a finding is at or above this level.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// The name of stdin's content: used in output, for config lookup and input format.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// How to read the input (default: by extension).
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Run only these rules (comma-separated ids); overrides the config's `select`.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Never run these rules (comma-separated ids); added to the config's `ignore`.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Worker threads (default: the number of CPUs). Files are checked in parallel; a single
    /// input of 3 KiB or more (or a draft whose rules compile many patterns, such as an incident
    /// update) has its rules checked in parallel instead.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Report each inline `ticketlint-disable` directive that suppressed nothing (`unused-disable`).
    #[arg(long)]
    pub report_unused_disables: bool,
    /// Apply safe fixes in place, then print the findings that remain (stdin: print the fixed text).
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes: rewordings and explanations to read before sending (with --fix or --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change and change nothing; exit 1 if anything would change.
    #[arg(long)]
    pub diff: bool,
}

/// Entry point for `main.rs`: parse arguments, run, and return the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return 0;
            }
            eprint!("{}", e.render());
            2
        }
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

pub fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Lsp { .. } => Ok(crate::lsp::run()),
        Command::Rules { format, config } => {
            let engine = config.engine()?;
            if format == InfoFormat::Json {
                write_stdout(&emit::rule_info::rules_json(all_rules(&engine)))?;
                return Ok(0);
            }
            let mut out = String::new();
            // The id column as wide as the longest id.
            let width = all_rules(&engine).map(|r| r.id.len()).max().unwrap_or(0);
            for r in all_rules(&engine) {
                let kinds: Vec<&str> = r.kinds.iter().map(|k| k.as_str()).collect();
                out.push_str(&format!(
                    "{:<width$} {:<12} {:<34} {}\n",
                    r.id,
                    r.severities(),
                    kinds.join(","),
                    r.summary
                ));
            }
            write_stdout(&out)?;
            Ok(0)
        }
        Command::Explain { rule, format, config } => {
            let engine = config.engine()?;
            let Some(r) = all_rules(&engine).find(|r| r.id == rule) else {
                let ids: Vec<&str> = engine.known_ids().collect();
                let help = match crate::document::directives::closest(&rule, ids.iter().copied()) {
                    Some(c) => format!("did you mean `{c}`? rules are: {}", ids.join(", ")),
                    None => format!("rules are: {}", ids.join(", ")),
                };
                return Err(Error::Argument {
                    message: format!("unknown rule `{rule}`"),
                    help: Some(help),
                });
            };
            if format == InfoFormat::Json {
                write_stdout(&emit::rule_info::explain_json(r))?;
                return Ok(0);
            }
            let kinds: Vec<&str> = r.kinds.iter().map(|k| k.as_str()).collect();
            let auds: Vec<&str> = r.audiences.iter().map(|a| a.as_str()).collect();
            let any_kind: Vec<&str> = r.any_kind_for.iter().map(|a| a.as_str()).collect();
            let any_kind = if any_kind.is_empty() {
                String::new()
            } else {
                format!(" Every kind for: {}.", any_kind.join(", "))
            };
            let also: Vec<&str> = r.also.iter().map(|s| s.as_str()).collect();
            let also = if also.is_empty() {
                String::new()
            } else {
                format!(" (some findings: {})", also.join(", "))
            };
            let mut out = format!(
                "{}\n\n{}\n\nDefault severity: {}{also}. Kinds: {}. Audiences: {}.{any_kind}\n\nWhat it checks\n  {}\n\nWhy it matters\n  {}\n\nExample\n  {}\n\nBetter\n  {}\n",
                r.id,
                r.summary,
                r.severity,
                kinds.join(", "),
                auds.join(", "),
                r.explain.what.trim(),
                r.explain.why.trim(),
                r.explain.bad.trim(),
                r.explain.good.trim()
            );
            if let Some(fix) = &r.explain.fix {
                out.push_str(&format!("\nFix\n  {}\n", fix.trim()));
            }
            write_stdout(&out)?;
            Ok(0)
        }
        Command::Init { force } => {
            let path = Path::new(config::CONFIG_FILE);
            if path.exists() && !force {
                return Err(Error::Usage(format!(
                    "{} already exists (use --force to overwrite)",
                    path.display()
                )));
            }
            std::fs::write(path, config::STARTER).map_err(|e| Error::Io {
                path: path.into(),
                source: e,
            })?;
            eprintln!("wrote {}", path.display());
            Ok(0)
        }
    }
}

/// The rules `rules` lists and `explain` explains: the packs' rules, then the directive rules
/// (`unused-disable`, `unknown-rule-in-directive`).
fn all_rules(engine: &Engine) -> impl Iterator<Item = &crate::rules::RuleMeta> {
    engine
        .rules()
        .chain(std::iter::once(engine.unused_rule()))
        .chain(engine.unknown_rule())
}

fn write_stdout(s: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::Io {
            path: "<stdout>".into(),
            source: e,
        })
}

/// A config's settings and the engine built from them, shared by the inputs under it.
type Loaded = Arc<(Settings, Engine)>;

/// Settings and engines, loaded once per config file.
struct Configs {
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    allow_outside: bool,
    by_path: HashMap<Option<PathBuf>, Loaded>,
    by_dir: foldhash::HashMap<PathBuf, Option<PathBuf>>,
    /// The config found for each absolute directory looked in (see `config::discover_cached`).
    looked_in: foldhash::HashMap<PathBuf, Option<PathBuf>>,
    /// The last directory asked about and its config: the inputs of a directory come one after
    /// another, and each looked up its directory in `by_dir` (a path copied and hashed per
    /// file; with `last_config`, 3.8M instructions for the bench corpus's 3,188 files, before
    /// any was checked).
    last_dir: Option<(PathBuf, Option<PathBuf>)>,
    /// The last config asked for and its engine (the same for most inputs).
    last_config: Option<(Option<PathBuf>, Loaded)>,
}

impl Configs {
    fn get(&mut self, config: Option<PathBuf>) -> Result<Loaded, Error> {
        if let Some((last, c)) = &self.last_config
            && *last == config
        {
            return Ok(c.clone());
        }
        if let Some(c) = self.by_path.get(&config) {
            self.last_config = Some((config, c.clone()));
            return Ok(c.clone());
        }
        let mut settings = match &config {
            Some(p) => Settings::load_with(p, self.allow_outside)?,
            None => Settings::default(),
        };
        if self.select.is_some() {
            settings.select = self.select.clone();
            settings.select_from_command_line = true;
        }
        settings.command_line_ignore_from = Some(settings.ignore.len());
        settings.ignore.extend(self.ignore.iter().cloned());
        let engine = Engine::new(&settings)?;
        let loaded = Arc::new((settings, engine));
        self.by_path.insert(config.clone(), loaded.clone());
        self.last_config = Some((config, loaded.clone()));
        Ok(loaded)
    }

    fn discover(&mut self, file: &Path) -> Option<PathBuf> {
        let dir = file.parent().unwrap_or(Path::new(""));
        if let Some((last, found)) = &self.last_dir
            && last == dir
        {
            return found.clone();
        }
        let dir = dir.to_path_buf();
        let found = self
            .by_dir
            .entry(dir.clone())
            .or_insert_with(|| config::discover_cached(&dir, &mut self.looked_in))
            .clone();
        self.last_dir = Some((dir, found.clone()));
        found
    }
}

enum Job {
    Stdin {
        name: String,
        name_path: PathBuf,
        bytes: Vec<u8>,
    },
    File(PathBuf),
}

/// The run's threads: `--threads`, else one per core.
fn run_threads(args: &CheckArgs) -> usize {
    args.threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// Rule ids of `--select` / `--ignore`, trimmed, empty ones dropped (`--select a,,b` or
/// `--select "a, b"` mean `a` and `b`).
fn rule_ids(ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn check(args: CheckArgs) -> Result<i32, Error> {
    let mut configs = Configs {
        select: args.select.as_deref().map(rule_ids),
        ignore: rule_ids(&args.ignore),
        allow_outside: args.config.allow_outside_config,
        by_path: HashMap::new(),
        by_dir: Default::default(),
        looked_in: Default::default(),
        last_dir: None,
        last_config: None,
    };
    let overrides = Overrides {
        kind: args.kind,
        audience: args.audience,
        input_format: args.input_format,
        report_unused_disables: args.report_unused_disables,
        doc_threads: 1,
    };
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(if stdin_is_input() {
            PathBuf::from("-")
        } else {
            PathBuf::from(".")
        });
    }
    let threads = run_threads(&args);
    let mut jobs: Vec<Job> = Vec::new();
    // The size of each job, in bytes.
    let mut sizes: Vec<u64> = Vec::new();
    let mut errors: Vec<Error> = Vec::new();
    let (file_paths, walk_errors): (Vec<(PathBuf, u64)>, Vec<Error>) = {
        let real: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
        walk::collect_sized(&real, threads)
    };
    errors.extend(walk_errors);
    if paths.iter().any(|p| p.as_os_str() == "-") {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| Error::Io {
            path: "<stdin>".into(),
            source: e,
        })?;
        let name_path = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"));
        let name = args
            .stdin_filename
            .as_ref()
            .map_or("-".to_string(), |p| p.to_string_lossy().into_owned());
        sizes.push(bytes.len() as u64);
        jobs.push(Job::Stdin { name, name_path, bytes });
    }
    // Each file's size as listed (a file that changes size before it is read is read whole all
    // the same).
    for (p, len) in file_paths {
        sizes.push(len);
        jobs.push(Job::File(p));
    }
    let input_bytes: u64 = sizes.iter().sum();
    // Literal prefilters pay for their compile time from about a megabyte of input on.
    crate::rules::require::set_prefilters(input_bytes >= crate::rules::require::PREFILTER_WORKLOAD);
    // A draft's run is mostly start-up, much of it allocation, and a many-file run's is
    // allocation too; a big file's memory is bounded instead, and only its regex compiles
    // allocate from the arenas (see `heap`).
    crate::heap::prepare_small_run(if input_bytes < crate::rules::require::PREFILTER_WORKLOAD {
        crate::heap::Workload::Draft
    } else if sizes.iter().all(|&n| n < crate::rules::require::PREFILTER_WORKLOAD) {
        crate::heap::Workload::ManyFiles
    } else {
        crate::heap::Workload::BigFile
    });
    // One big file on several threads: read on a thread of its own while the config is resolved
    // and the engine built (about 3 ms of start-up, beside the 4-5 ms of reading a 10 MB file).
    let fixing = args.fix || args.diff || args.unsafe_fixes;
    let prefetch = match jobs.as_slice() {
        [Job::File(p)] if threads > 1 && !fixing && sizes[0] >= crate::rules::require::PREFILTER_WORKLOAD => {
            let path = p.clone();
            // A panic there is caught on the reader (`on_helper`) and reported for the file.
            std::thread::Builder::new()
                .spawn(move || error::on_helper(|| crate::source::read_regular_file(&path)))
                .ok()
        }
        _ => None,
    };
    let prefetch = std::sync::Mutex::new(prefetch);
    // Resolve each job's config (and compile its engine) up front: config errors stop the run.
    let mut loaded = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let config = if args.config.no_config {
            None
        } else if let Some(c) = &args.config.config {
            Some(c.clone())
        } else {
            match job {
                Job::Stdin { name_path, .. } => {
                    let base = if name_path.as_os_str() == "-" {
                        PathBuf::from("./-")
                    } else {
                        name_path.clone()
                    };
                    configs.discover(&base)
                }
                Job::File(p) => configs.discover(p),
            }
        };
        loaded.push(configs.get(config)?);
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    // Inputs under one config share its engine: each engine once, in order of first use.
    let mut engines: Vec<&Arc<(Settings, Engine)>> = Vec::new();
    for l in &loaded {
        if !engines.iter().any(|d| Arc::ptr_eq(d, l)) {
            engines.push(l);
        }
    }
    let emitter = emit::emitter(args.format, color, emit::rules_of(engines.iter().map(|l| &l.1)));

    if fixing {
        return fix_mode(&args, jobs, loaded, overrides, emitter.as_ref(), errors);
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| Error::Io {
        path: "<stdout>".into(),
        source: e,
    };
    out.write_all(emitter.begin().as_bytes()).map_err(io)?;
    let mut summary = Summary::default();
    let mut failed = false;
    let mut any_output = false;
    for e in &errors {
        eprint!("{}", e.render());
    }

    // One input: its rules may use the run's threads (when it is big enough to gain from them).
    let overrides = Overrides {
        doc_threads: if jobs.len() == 1 { threads } else { 1 },
        ..overrides
    };
    // One input that panics is reported as an internal error naming it; the run goes on.
    let run_one = |i: usize| -> (FailOn, Checked) {
        let (settings, engine) = &*loaded[i];
        let checked = match &jobs[i] {
            Job::Stdin { name, name_path, bytes } => error::catch_panic(Path::new(name), || {
                walk::check_bytes(engine, settings, overrides, name, name_path, bytes.clone())
            })
            .unwrap_or_else(|e| Checked::failed(name, e)),
            Job::File(p) => {
                // The read begun up front, if any: its panic is this file's internal error, as
                // one in the read here would be.
                let read = prefetch
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take()
                    .and_then(|reader| reader.join().ok());
                error::catch_panic(p, || match read {
                    Some(Ok(read)) => walk::check_read(engine, settings, overrides, p, read),
                    Some(Err(payload)) => std::panic::resume_unwind(payload),
                    None => walk::check_file(engine, settings, overrides, p),
                })
                .unwrap_or_else(|e| Checked::failed(&p.to_string_lossy(), e))
            }
        };
        (settings.fails_on(args.fail_on), checked)
    };
    let sink = |(fail_on, c): (FailOn, Checked)| -> Result<(), Error> {
        for n in &c.notices {
            eprintln!("warning: {n}");
        }
        if let Some(e) = &c.error {
            eprint!("{}", e.render());
        }
        failed |= c.diagnostics.iter().any(|d| fail_on.fails(d.severity));
        let text = emitter.file(&c, !any_output);
        any_output |= !c.diagnostics.is_empty();
        summary.add(&c);
        out.write_all(text.as_bytes()).map_err(io)
    };
    // Many files on several threads: every regex compiled up front, in parallel, rather than by
    // whichever worker needs it first while the others wait for it (see `Engine::precompile`).
    // Not for one file (only one worker checks it) nor for small runs (most regexes unused).
    if threads > 1 && jobs.len() > 1 && input_bytes >= crate::rules::require::PREFILTER_WORKLOAD {
        for l in &engines {
            l.1.precompile(threads);
        }
    }
    // Results are written in input order; workers stay a bounded distance ahead.
    walk::ordered(jobs.len(), threads, &sizes, run_one, sink)?;
    // The engines are built once per run and the process ends here: freeing their automata
    // and regexes would only cost time (about a millisecond for a 2 KB draft).
    std::mem::forget(loaded);
    let file_errors = summary.failed_files + errors.len();
    let tail = emitter.end(&summary);
    out.write_all(tail.as_bytes()).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(if file_errors > 0 {
        2
    } else if failed {
        1
    } else {
        0
    })
}

/// With no path given: is standard input a draft to read, a pipe, a file or a socket (as
/// ripgrep decides)? A terminal is not, and neither is `/dev/null` or another device, which is
/// what CI runners, cron and `docker run` without `-t` give: a bare `ticketlint check` there
/// checks the current directory instead of passing on an empty input.
fn stdin_is_input() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
            return false;
        };
        std::fs::File::from(fd).metadata().is_ok_and(|m| {
            let t = m.file_type();
            t.is_file() || t.is_fifo() || t.is_socket()
        })
    }
    #[cfg(not(unix))]
    {
        !std::io::stdin().is_terminal()
    }
}

/// `--fix` / `--unsafe-fixes` / `--diff`: hand the run to the fix driver.
fn fix_mode(
    args: &CheckArgs,
    jobs: Vec<Job>,
    loaded: Vec<Arc<(Settings, Engine)>>,
    overrides: Overrides,
    emitter: &dyn Emitter,
    errors: Vec<Error>,
) -> Result<i32, Error> {
    if !args.fix && !args.diff {
        return Err(Error::Usage("--unsafe-fixes needs --fix or --diff".into()));
    }
    let threads = run_threads(args);
    let inputs = jobs
        .into_iter()
        .map(|j| match j {
            Job::Stdin { name, name_path, bytes } => crate::fix::Input::Stdin { name, name_path, bytes },
            Job::File(p) => crate::fix::Input::File(p),
        })
        .collect();
    crate::fix::run(crate::fix::Run {
        mode: crate::fix::Mode {
            level: if args.unsafe_fixes {
                crate::diagnostic::Applicability::Unsafe
            } else {
                crate::diagnostic::Applicability::Safe
            },
            diff: args.diff,
        },
        inputs,
        loaded,
        overrides,
        roots: args.paths.clone(),
        emitter,
        fail_on: args.fail_on,
        threads,
        errors,
    })
}
