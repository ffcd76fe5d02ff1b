//! Output formats. The wire structs of machine formats live here, apart from internal types:
//! they are a contract.
//!
//! Positions: every finding is a byte span into the original text; each format converts it at
//! the edge, in the unit its consumers count (see [`Positions`]).

pub mod github;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod rdjson;
pub mod rule_info;
pub mod sarif;
pub mod unix;

use crate::diagnostic::{Diagnostic, Edit};
use crate::engine::Engine;
use crate::rules::RuleMeta;
use crate::source::{LineCol, LineIndex};
use crate::walk::Checked;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics with the source line and a caret underline.
    Human,
    /// One JSON array of findings (the stable machine contract).
    Json,
    /// One JSON object per line, the same objects as `json` (for streaming).
    Jsonl,
    /// `path:line:col: severity: message [rule-id]`, one line each (Vim, ALE, efm-langserver).
    Unix,
    /// GitHub Actions workflow commands (`::warning file=…::message`): annotations in CI.
    Github,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// reviewdog's Diagnostic Format (rdjson), with suggestions for PR reviews.
    Rdjson,
}

/// The emitter for `format`. `rules` is the metadata of every rule that may report in this run
/// (SARIF lists them up front and points results at them by index).
pub fn emitter(format: Format, color: bool, rules: Vec<RuleMeta>) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(human::Human { color }),
        Format::Json => Box::new(json::Json),
        Format::Jsonl => Box::new(jsonl::Jsonl),
        Format::Unix => Box::new(unix::Unix),
        Format::Github => Box::new(github::Github),
        Format::Sarif => Box::new(sarif::Sarif::new(rules)),
        Format::Rdjson => Box::new(rdjson::Rdjson),
    }
}

/// Renders findings file by file (so files need not be held at once), then closes the run.
pub trait Emitter: Sync {
    /// Text before the first file.
    fn begin(&self) -> String {
        String::new()
    }
    /// The findings of one file; `first` is true for the first file that has findings output.
    fn file(&self, checked: &Checked, first: bool) -> String;
    /// Text after the last file.
    fn end(&self, summary: &Summary) -> String;
}

/// Totals over a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub failed_files: usize,
    /// (path, kind) for documents whose kind was detected.
    pub detected: Vec<(String, &'static str)>,
}

impl Summary {
    pub fn add(&mut self, c: &Checked) {
        self.files += 1;
        if c.error.is_some() {
            self.failed_files += 1;
        }
        for d in &c.diagnostics {
            match d.severity {
                crate::diagnostic::Severity::Error => self.errors += 1,
                crate::diagnostic::Severity::Warning => self.warnings += 1,
                crate::diagnostic::Severity::Info => self.infos += 1,
            }
        }
        if let Some(p) = c.profile
            && p.kind_detected
        {
            self.detected.push((c.path.clone(), p.kind.as_str()));
        }
    }
}

/// Every rule that may report in a run: the union over its engines (one per config), first
/// seen first; the directive rules after each engine's own.
pub fn rules_of<'a>(engines: impl IntoIterator<Item = &'a Engine>) -> Vec<RuleMeta> {
    let mut seen = std::collections::HashSet::new();
    engines
        .into_iter()
        .flat_map(|e| e.rules().chain(e.directive_rules()))
        .filter(|r| seen.insert(r.id.clone()))
        .cloned()
        .collect()
}

/// Byte offset -> line/column in the units the formats use, for one file (line index built once).
pub struct Positions<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str) -> Self {
        Positions {
            text,
            index: LineIndex::new(text),
        }
    }

    /// 1-based line and 1-based column in Unicode scalar values (the JSON contract, SARIF with
    /// `columnKind: unicodeCodePoints`, GitHub workflow commands).
    pub fn chars(&self, offset: usize) -> LineCol {
        self.index.line_col(self.text, offset)
    }

    /// 1-based line and 1-based column in UTF-8 bytes (Vim's `%c`, reviewdog's rdf).
    pub fn bytes(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.index.line_of(offset);
        LineCol {
            line: line + 1,
            column: offset - self.index.line_start(line) + 1,
        }
    }
}

/// The message, with the suggestion on a second line when there is one (GitHub, SARIF, rdjson).
pub fn message_with_help(d: &Diagnostic) -> String {
    match &d.suggestion {
        Some(s) => format!("{}\nhelp: {s}", d.message),
        None => d.message.clone(),
    }
}

/// The edits of a finding's fix in `text` (its own edits, or the replacement of the finding's
/// span), each made to read right in its context as `--fix` applies it
/// ([`crate::fix::edits::normalize`]: no double space, the capital kept at a sentence start), so
/// that a tool applying a published fix gets what `--fix` and `--diff` give.
pub fn fix_edits(text: &str, d: &Diagnostic) -> Vec<Edit> {
    let edits = match &d.fix {
        None => vec![],
        Some(f) if f.edits.is_empty() => vec![Edit {
            span: d.span,
            replacement: f.replacement.clone(),
        }],
        Some(f) => f.edits.clone(),
    };
    edits
        .into_iter()
        .map(|e| match text.get(e.span.start..e.span.end) {
            Some(_) => crate::fix::edits::normalize(text, &e),
            None => e,
        })
        .collect()
}

/// Run an emitter over files as the CLI does, for tests.
#[cfg(test)]
pub(crate) fn render(emitter: &dyn Emitter, files: &[Checked]) -> String {
    let mut out = emitter.begin();
    let mut summary = Summary::default();
    let mut any = false;
    for c in files {
        out.push_str(&emitter.file(c, !any));
        any |= !c.diagnostics.is_empty();
        summary.add(c);
    }
    out.push_str(&emitter.end(&summary));
    out
}

/// Two files with findings (one with a fix, one with multi-byte text) around a clean one.
#[cfg(test)]
pub(crate) fn sample() -> Vec<Checked> {
    use crate::diagnostic::{Applicability, Fix, Severity, Span};
    use crate::profile::{Audience, Kind, Profile};
    let profile = Some(Profile {
        kind: Kind::Reply,
        audience: Audience::EndUser,
        kind_detected: false,
    });
    let file = |path: &str, text: &str, diagnostics: Vec<Diagnostic>| Checked {
        path: path.into(),
        text: text.into(),
        profile,
        diagnostics,
        notices: vec![],
        error: None,
        redacted: vec![],
    };
    let text = "Hi,\n\nCafé: user error, see the DNS.\n";
    let at = |s: &str| {
        let i = text.find(s).unwrap();
        Span::new(i, i + s.len())
    };
    vec![
        file(
            "a.txt",
            text,
            vec![
                Diagnostic {
                    rule: "blame-language".into(),
                    severity: Severity::Error,
                    span: at("user error"),
                    message: "\"user error\" blames".into(),
                    suggestion: Some("say what happened".into()),
                    fix: None,
                },
                Diagnostic {
                    rule: "unexplained-jargon".into(),
                    severity: Severity::Info,
                    span: at("DNS"),
                    message: "\"DNS\" may be unfamiliar".into(),
                    suggestion: None,
                    fix: Some(Fix {
                        replacement: "DNS (the internet's address book)".into(),
                        applicability: Applicability::Unsafe,
                        edits: vec![],
                    }),
                },
            ],
        ),
        file("b.txt", "All good.\n", vec![]),
        file(
            "c d.txt",
            "Done.\n",
            vec![Diagnostic {
                rule: "missing-next-step".into(),
                severity: Severity::Warning,
                span: Span::empty(5),
                message: "no next step".into(),
                suggestion: None,
                fix: None,
            }],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_chars_and_bytes() {
        let t = "é\tx\nab";
        let p = Positions::new(t);
        let x = t.find('x').unwrap();
        assert_eq!(p.chars(x), LineCol { line: 1, column: 3 });
        assert_eq!(p.bytes(x), LineCol { line: 1, column: 4 });
        assert_eq!(p.bytes(t.len()), LineCol { line: 2, column: 3 });
    }
}
