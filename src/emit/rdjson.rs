//! `--format rdjson`: reviewdog's Diagnostic Format, one `DiagnosticResult` object:
//!
//! ```json
//! {"source":{"name":"ticketlint"},"diagnostics":[
//! {"message":"…","location":{"path":"kb/vpn.md","range":{"start":{"line":3,"column":14},"end":{"line":3,"column":24}}},
//!  "severity":"WARNING","code":{"value":"blame-language"},
//!  "suggestions":[{"range":{…},"text":"the replacement"}]}
//! ]}
//! ```
//!
//! Positions follow the rdf proto: lines and columns 1-based, columns count UTF-8 bytes, the end
//! is exclusive (start == end is an insertion point). Each edit of a finding's fix becomes a
//! suggestion, which `reviewdog -reporter=github-pr-review` posts as a suggested change. The
//! object is written as it goes (one diagnostic per line), so memory does not grow with the
//! number of files.

use super::{Emitter, Positions, Summary, fix_edits, message_with_help};
use crate::diagnostic::Severity;
use crate::walk::Checked;
use serde::Serialize;

/// `DiagnosticResult`, as a whole. [`Rdjson`] writes exactly this shape in pieces.
#[derive(Debug, Serialize)]
pub struct DiagnosticResult<'a> {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub name: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Diagnostic<'a> {
    pub message: String,
    pub location: Location<'a>,
    /// `ERROR`, `WARNING` or `INFO`.
    pub severity: &'static str,
    pub source: Source,
    pub code: Code<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Serialize)]
pub struct Location<'a> {
    pub path: &'a str,
    pub range: Range,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// 1-based line; 1-based column in UTF-8 bytes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Serialize)]
pub struct Code<'a> {
    pub value: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub range: Range,
    pub text: String,
}

pub const SOURCE: Source = Source { name: "ticketlint" };

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// The rdf diagnostics of one checked file.
pub fn diagnostics(c: &Checked) -> Vec<Diagnostic<'_>> {
    if c.diagnostics.is_empty() {
        return vec![];
    }
    let pos = Positions::new(&c.text);
    let range = |start: usize, end: usize| {
        let (s, e) = (pos.bytes(start), pos.bytes(end));
        Range {
            start: Position {
                line: s.line,
                column: s.column,
            },
            end: Position {
                line: e.line,
                column: e.column,
            },
        }
    };
    c.diagnostics
        .iter()
        .map(|d| Diagnostic {
            message: message_with_help(d),
            location: Location {
                path: &c.path,
                range: range(d.span.start, d.span.end),
            },
            severity: severity(d.severity),
            source: SOURCE,
            code: Code { value: &d.rule },
            suggestions: fix_edits(&c.text, d)
                .into_iter()
                .map(|e| Suggestion {
                    range: range(e.span.start, e.span.end),
                    text: e.replacement,
                })
                .collect(),
        })
        .collect()
}

pub struct Rdjson;

impl Emitter for Rdjson {
    fn begin(&self) -> String {
        format!(
            "{{\"source\":{},\"diagnostics\":[",
            serde_json::to_string(&SOURCE).expect("source serializes")
        )
    }

    fn file(&self, checked: &Checked, first: bool) -> String {
        let mut out = String::new();
        for (i, d) in diagnostics(checked).iter().enumerate() {
            if !(first && i == 0) {
                out.push(',');
            }
            out.push('\n');
            out.push_str(&serde_json::to_string(d).expect("diagnostics serialize"));
        }
        out
    }

    fn end(&self, summary: &Summary) -> String {
        if summary.errors + summary.warnings + summary.infos == 0 {
            "]}\n".into()
        } else {
            "\n]}\n".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{render, sample};

    #[test]
    fn streamed_result_is_the_struct() {
        let files = sample();
        let streamed: serde_json::Value = serde_json::from_str(&render(&Rdjson, &files)).unwrap();
        let whole = DiagnosticResult {
            source: SOURCE,
            diagnostics: files.iter().flat_map(diagnostics).collect(),
        };
        assert_eq!(streamed, serde_json::to_value(&whole).unwrap());
        let empty: serde_json::Value = serde_json::from_str(&render(&Rdjson, &files[1..2])).unwrap();
        assert_eq!(empty["diagnostics"], serde_json::json!([]));
    }

    #[test]
    fn byte_columns_and_suggestions() {
        let files = sample();
        let d = diagnostics(&files[0]);
        assert_eq!(d[0].severity, "ERROR");
        assert_eq!(d[1].severity, "INFO");
        // "Café: " is 7 bytes: "user error" starts at byte column 8.
        assert_eq!(
            (d[0].location.range.start.line, d[0].location.range.start.column),
            (3, 8)
        );
        assert_eq!(d[0].location.range.end.column, 18);
        assert!(d[0].suggestions.is_empty());
        // As `--fix` applies it: an insertion after "DNS".
        let s = &d[1].suggestions[0];
        assert_eq!(s.text, " (the internet's address book)");
        let (start, end) = (&s.range.start, &s.range.end);
        assert_eq!((start.line, start.column), (end.line, end.column));
        assert_eq!(start.column, d[1].location.range.end.column);
    }
}
