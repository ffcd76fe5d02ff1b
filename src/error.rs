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
            Error::Io { path, source } => writeln!(f, "error: {}: {}", path.display(), source),
            Error::Usage(m) => writeln!(f, "error: {m}"),
        }
    }
}
