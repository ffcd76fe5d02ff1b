//! Findings: spans, severities, fixes. Every span is a byte range into the ORIGINAL input text.

use serde::Serialize;
use std::fmt;

/// A byte range `[start, end)` into the original text, always on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// Severity, ordered so that `a >= b` means "at least as serious".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without the writer reading it (ruff's model):
/// ordered so that "may I apply it at this level" is one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// One text edit: replace `span` of the original with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A proposed fix. The JSON contract exposes the replacement of the finding's own span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub replacement: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// `template` with its placeholders filled: each `{name}` of `values` (`("{name}", value)`)
/// replaced by the value, in one pass; other braces stay. A value goes in as it is (a
/// placeholder inside a value stays), except that a value across lines (a phrase wrapped at a
/// line end, `user\nerror`) has each run of white space with a line break or tab in it made one
/// space. Messages are filled per finding: a chain of
/// `str::replace`, which builds a searcher and a string per placeholder, was 0.9% of checking
/// the bench corpus.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match values.iter().find(|(name, _)| tail.starts_with(name)) {
            Some((name, value)) if memchr::memchr3(b'\n', b'\r', b'\t', value.as_bytes()).is_some() => {
                push_one_line(&mut out, value);
                rest = &tail[name.len()..];
            }
            Some((name, value)) => {
                out.push_str(value);
                rest = &tail[name.len()..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `value` onto `out`, each run of ASCII white space with a line break or tab in it made one
/// space (other runs kept).
fn push_one_line(out: &mut String, value: &str) {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_whitespace() {
            let end = b[i..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(b.len(), |k| i + k);
            out.push_str(&value[i..end]);
            i = end;
            continue;
        }
        let end = b[i..]
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map_or(b.len(), |k| i + k);
        if b[i..end].iter().all(|&c| c == b' ') {
            out.push_str(&value[i..end]);
        } else {
            out.push(' ');
        }
        i = end;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub suggestion: Option<String>,
    pub fix: Option<Fix>,
}

#[cfg(test)]
mod tests {
    use super::fill;
    use proptest::prelude::*;

    #[test]
    fn fills_each_placeholder_and_leaves_other_braces() {
        assert_eq!(
            fill(
                "{term} is jargon for {audience} ({term})",
                &[("{term}", "DNS"), ("{audience}", "end-user")]
            ),
            "DNS is jargon for end-user (DNS)"
        );
        assert_eq!(fill("{ {unknown} {text", &[("{text}", "x")]), "{ {unknown} {text");
        assert_eq!(fill("", &[("{text}", "x")]), "");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
        // A value wrapped at a line end reads as one line; plain spaces stay as they are.
        assert_eq!(
            fill("\"{text}\" x", &[("{text}", "user\r\n  error\tnow  ok")]),
            "\"user error now  ok\" x"
        );
        // A value goes in as it is: a placeholder inside it is not filled again.
        assert_eq!(fill("{a}", &[("{a}", "{b}"), ("{b}", "no")]), "{b}");
    }

    proptest! {
        /// Where the only braces are the placeholders' (none in the values, none elsewhere in
        /// the template, where a value put in by the chain could complete one: `{k{text}nd}`),
        /// the one pass agrees with the chain of `str::replace` it replaced.
        #[test]
        fn agrees_with_chained_replace(
            template in "[a-z ]{0,8}(\\{(text|kind)\\}[a-z ]{0,8}){0,4}",
            text in "[a-z ]{0,6}",
            kind in "[a-z]{0,6}",
        ) {
            let chained = template.replace("{text}", &text).replace("{kind}", &kind);
            prop_assert_eq!(fill(&template, &[("{text}", &text), ("{kind}", &kind)]), chained);
        }
    }
}
