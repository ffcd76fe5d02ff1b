//! Errors, and the one renderer for them: `error: <what>`, `  --> file:line:col`, `  = help: <how>`.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A config or rule pack that could not be read or is invalid.
    #[error("{message}")]
    Config {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
        help: Option<String>,
    },
    /// A file that could not be read or written.
    #[error("{path}: {source}", path = path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Bad command-line usage that clap cannot catch.
    #[error("{0}")]
    Usage(String),
    /// A bad command-line option value, with help (e.g. an unknown rule id in `--select`).
    #[error("{message}")]
    Argument { message: String, help: Option<String> },
    /// A bug: a panic caught while checking one input (the run went on without it).
    #[error("internal error while checking {path}: {message}", path = path.display())]
    Internal { path: PathBuf, message: String },
}

impl Error {
    pub fn config(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Config {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// A config error located at the first of `needles` found in `source` (the text of `path`);
    /// unlocated when none is found.
    pub fn config_at(path: impl Into<PathBuf>, source: &str, message: impl Into<String>, needles: &[&str]) -> Self {
        let at = needles.iter().filter(|n| !n.is_empty()).find_map(|n| source.find(n));
        let (line, column) = match at {
            Some(at) => {
                let lc = crate::source::LineIndex::new(source).line_col(source, at);
                (Some(lc.line), Some(lc.column))
            }
            None => (None, None),
        };
        Error::Config {
            path: path.into(),
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, text: impl Into<String>) -> Self {
        if let Error::Config { help, .. } = &mut self {
            *help = Some(text.into());
        }
        self
    }

    /// A TOML parse error located at line:column of `source`.
    pub fn toml(path: impl Into<PathBuf>, source: &str, err: &toml::de::Error) -> Self {
        let (line, column) = match err.span() {
            Some(span) => {
                let idx = crate::source::LineIndex::new(source);
                let lc = idx.line_col(source, span.start);
                (Some(lc.line), Some(lc.column))
            }
            None => (None, None),
        };
        // toml's own message repeats the location and source line; keep its first line.
        let message = err.message().lines().next().unwrap_or("invalid TOML").to_string();
        Error::Config {
            path: path.into(),
            line,
            column,
            message,
            help: None,
        }
    }

    /// Render in the one error style used everywhere.
    pub fn render(&self) -> String {
        Rendered(self).to_string()
    }
}

struct Rendered<'a>(&'a Error);

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Config {
                path,
                line,
                column,
                message,
                help,
            } => {
                writeln!(f, "error: {message}")?;
                match (line, column) {
                    (Some(l), Some(c)) => writeln!(f, "  --> {}:{l}:{c}", path.display())?,
                    _ => writeln!(f, "  --> {}", path.display())?,
                }
                if let Some(h) = help {
                    writeln!(f, "  = help: {h}")?;
                }
                Ok(())
            }
            Error::Io { path, source } => writeln!(f, "error: {}: {}", path.display(), io_message(source)),
            Error::Usage(m) => writeln!(f, "error: {m}"),
            Error::Argument { message, help } => {
                writeln!(f, "error: {message}")?;
                if let Some(h) = help {
                    writeln!(f, "  = help: {h}")?;
                }
                Ok(())
            }
            Error::Internal { path, message } => {
                writeln!(f, "error: internal error while checking {}: {message}", path.display())?;
                writeln!(f, "  = help: {BUG_HELP}")
            }
        }
    }
}

/// An I/O error's message without the `(os error N)` suffix std adds.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

const BUG_HELP: &str = "this is a bug in ticketlint; please report it with the input that triggers it (RUST_BACKTRACE=1 shows a backtrace)";

// ---------------------------------------------------------------------------------------------
// Panics: a short message instead of a dump, and one bad input cannot stop the run.

thread_local! {
    /// Inside [`catch_panic`]: the hook stores the message here instead of printing it.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static CAUGHT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn backtrace_wanted() -> bool {
    std::env::var_os("RUST_BACKTRACE").is_some_and(|v| !v.is_empty() && v != "0")
}

fn describe(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into());
    match info.location() {
        Some(l) => format!("{what} (at {}:{})", l.file(), l.line()),
        None => what,
    }
}

/// Replace the default panic output (thread name, message, "note: run with RUST_BACKTRACE")
/// with one `error: internal error …` line and a hint. With `RUST_BACKTRACE` set, the default
/// output (and backtrace) is printed as well. Installed by `main.rs`; the process then exits 2.
pub fn install_panic_hook() {
    static PRINTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if backtrace_wanted() {
            default(info);
        }
        let message = describe(info);
        if GUARDED.with(|g| g.get()) {
            CAUGHT.with(|c| *c.borrow_mut() = Some(message));
            return;
        }
        // A panic in a worker thread is re-raised on the main thread: report the first only.
        if !PRINTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            eprintln!("error: internal error: {message}");
            eprintln!("  = help: {BUG_HELP}");
        }
    }));
}

/// Run `f` for one input, turning a panic into [`Error::Internal`] naming `path`, so the run
/// can report it and go on with the other inputs.
pub fn catch_panic<T>(path: &std::path::Path, f: impl FnOnce() -> T) -> Result<T, Error> {
    let was = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| {
        let message = CAUGHT.with(|c| c.borrow_mut().take()).unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into())
        });
        Error::Internal {
            path: path.to_path_buf(),
            message,
        }
    })
}

/// Run `f`, part of one input's check, on a helper thread: a panic is caught here with the message
/// the hook gives it (location included) and comes back as the payload for the waiting thread to
/// re-raise (`std::panic::resume_unwind`), where [`catch_panic`] names the input. Without this the
/// hook, which knows nothing of the input on a helper thread, would print a line of its own.
pub fn on_helper<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    let was = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| match CAUGHT.with(|c| c.borrow_mut().take()) {
        Some(message) => Box::new(message) as Box<dyn std::any::Any + Send>,
        None => payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_a_helper_thread_is_the_inputs_error() {
        let err = catch_panic(std::path::Path::new("c.txt"), || -> u8 {
            let joined = std::thread::scope(|s| s.spawn(|| on_helper(|| -> u8 { panic!("helper boom") })).join());
            joined
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
        .unwrap_err();
        let text = err.render();
        assert!(
            text.starts_with("error: internal error while checking c.txt: helper boom"),
            "{text}"
        );
        // No panic: the value comes back.
        assert_eq!(on_helper(|| 7).unwrap(), 7);
    }

    #[test]
    fn io_errors_lose_the_os_error_number() {
        let e = std::io::Error::from_raw_os_error(2);
        assert!(e.to_string().contains("os error"));
        assert_eq!(io_message(&e), "No such file or directory");
    }

    #[test]
    fn a_panic_becomes_an_error_naming_the_input() {
        let ok = catch_panic(std::path::Path::new("a.txt"), || 1);
        assert_eq!(ok.unwrap(), 1);
        let err = catch_panic(std::path::Path::new("b.txt"), || -> u8 { panic!("boom") }).unwrap_err();
        let text = err.render();
        assert!(
            text.starts_with("error: internal error while checking b.txt: boom"),
            "{text}"
        );
        assert!(text.contains("= help: this is a bug"), "{text}");
    }
}
