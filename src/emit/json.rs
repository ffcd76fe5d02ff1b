//! `--format json`: one JSON array, one object per finding, sorted by path then position.

use super::{Emitter, Summary};
use crate::source::{LineCol, LineIndex};
use crate::walk::Checked;
use serde::Serialize;

/// The wire form of one finding. Field names and meanings are a stable contract.
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub path: &'a str,
    pub rule: &'a str,
    pub severity: &'static str,
    pub message: &'a str,
    pub text: std::borrow::Cow<'a, str>,
    pub span: crate::diagnostic::Span,
    pub start: LineCol,
    pub end: LineCol,
    pub suggestion: Option<&'a str>,
    pub fix: Option<JsonFix<'a>>,
    pub kind: &'static str,
    pub audience: &'static str,
}

#[derive(Debug, Serialize)]
pub struct JsonFix<'a> {
    pub replacement: &'a str,
    pub applicability: &'static str,
}

/// The findings of one checked file in wire form.
pub fn findings(c: &Checked) -> Vec<JsonFinding<'_>> {
    let Some(profile) = c.profile else { return vec![] };
    let index = LineIndex::new(&c.text);
    c.diagnostics
        .iter()
        .map(|d| JsonFinding {
            path: &c.path,
            rule: &d.rule,
            severity: d.severity.as_str(),
            message: &d.message,
            text: c.finding_text(d),
            span: d.span,
            start: index.line_col(&c.text, d.span.start),
            end: index.line_col(&c.text, d.span.end),
            suggestion: d.suggestion.as_deref(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                replacement: &f.replacement,
                applicability: f.applicability.as_str(),
            }),
            kind: profile.kind.as_str(),
            audience: profile.audience.as_str(),
        })
        .collect()
}

pub struct Json;

impl Emitter for Json {
    fn begin(&self) -> String {
        "[".into()
    }

    fn file(&self, checked: &Checked, first: bool) -> String {
        let mut out = String::new();
        for (i, f) in findings(checked).iter().enumerate() {
            if !(first && i == 0) {
                out.push(',');
            }
            out.push_str("\n  ");
            out.push_str(&serde_json::to_string(f).expect("findings serialize"));
        }
        out
    }

    fn end(&self, summary: &Summary) -> String {
        if summary.errors + summary.warnings + summary.infos == 0 {
            "]\n".into()
        } else {
            "\n]\n".into()
        }
    }
}
