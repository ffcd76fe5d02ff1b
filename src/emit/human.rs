//! Human output, like a compiler diagnostic:
//!
//! ```text
//! draft.txt:3:14: warning[blame-language] "user error" blames the reader
//!   |
//! 3 | It was a user error on your side.
//!   |          ^^^^^^^^^^
//!   = help: describe the cause neutrally
//! ```

use super::{Emitter, Summary};
use crate::diagnostic::Severity;
use crate::source::LineIndex;
use crate::walk::Checked;
use owo_colors::OwoColorize;
use std::fmt::Write;

pub struct Human {
    pub color: bool,
}

impl Human {
    fn severity(&self, s: Severity) -> String {
        if !self.color {
            return s.as_str().to_string();
        }
        match s {
            Severity::Error => s.as_str().red().bold().to_string(),
            Severity::Warning => s.as_str().yellow().bold().to_string(),
            Severity::Info => s.as_str().cyan().bold().to_string(),
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            s.blue().bold().to_string()
        } else {
            s.to_string()
        }
    }
}

/// Expand tabs to 4 spaces so that the caret line lines up with the source line.
fn display(s: &str) -> String {
    s.replace('\t', "    ")
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

/// Source lines longer than this many bytes are shown as a window around the finding.
const LONG_LINE: usize = 240;
/// Bytes of context shown either side of a finding in a long line.
const CONTEXT: usize = 80;

/// The part of the line `text[line_start..line_start + line.len()]` to show for a finding at
/// `start..end`: (its start, its text, cut at the front, cut at the back). Short lines whole.
fn window<'a>(
    text: &'a str,
    line_start: usize,
    line: &'a str,
    start: usize,
    end: usize,
) -> (usize, &'a str, bool, bool) {
    let line_end = line_start + line.len();
    if line.len() <= LONG_LINE {
        return (line_start, line, false, false);
    }
    let mut from = start.saturating_sub(CONTEXT).max(line_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    // A finding that spans most of a huge line (a 200,000-word "sentence") is shown by its
    // start only: the window never grows past LONG_LINE plus context.
    let end = end.max(start).min(start.saturating_add(LONG_LINE));
    let mut to = end.saturating_add(CONTEXT).min(line_end);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let from = from.min(start.max(line_start)).min(to);
    (from, &text[from..to], from > line_start, to < line_end)
}

impl Emitter for Human {
    fn file(&self, c: &Checked, _first: bool) -> String {
        let mut out = String::new();
        if c.diagnostics.is_empty() {
            return out;
        }
        let index = LineIndex::new(&c.text);
        for d in &c.diagnostics {
            let start = index.line_col(&c.text, d.span.start);
            let line_no = start.line - 1;
            let full = index.line_text(&c.text, line_no);
            let full_start = index.line_start(line_no);
            // A long line is shown as a window around the finding, marked with "…".
            let (line_start, window_text, lead, trail) = window(&c.text, full_start, full, d.span.start, d.span.end);
            // Sensitive text (a secret) is starred out of the printed line; columns stay put.
            let shown = c.display_slice(line_start, line_start + window_text.len());
            let line: &str = &shown;
            let pre = &c.text[line_start..d.span.start.max(line_start).min(line_start + line.len())];
            let span_end = d.span.end.min(line_start + line.len()).max(d.span.start);
            let under = &c.text[d.span.start.min(span_end)..span_end];
            let pre_width = width(pre) + if lead { 1 } else { 0 };
            let line = format!("{}{line}{}", if lead { "…" } else { "" }, if trail { "…" } else { "" });
            let carets = width(under).max(1);
            let rule = format!("[{}]", d.rule);
            let _ = writeln!(
                out,
                "{}:{}:{}: {}{} {}",
                c.path,
                start.line,
                start.column,
                self.severity(d.severity),
                rule,
                if self.color {
                    d.message.bold().to_string()
                } else {
                    d.message.clone()
                }
            );
            let gutter = " ".repeat(start.line.to_string().len());
            let _ = writeln!(out, "{gutter} {}", self.dim("|"));
            let _ = writeln!(
                out,
                "{} {} {}",
                self.dim(&start.line.to_string()),
                self.dim("|"),
                display(&line)
            );
            let marks = "^".repeat(carets);
            let marks = if self.color {
                marks.yellow().bold().to_string()
            } else {
                marks
            };
            let _ = writeln!(out, "{gutter} {} {}{}", self.dim("|"), " ".repeat(pre_width), marks);
            if let Some(s) = &d.suggestion {
                let _ = writeln!(out, "{gutter} {} {s}", self.dim("= help:"));
            }
            out.push('\n');
        }
        out
    }

    fn end(&self, s: &Summary) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "checked {}: {}, {}, {}",
            plural(s.files, "file", "files"),
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "info", "infos")
        );
        if s.failed_files > 0 {
            let _ = write!(
                line,
                "; {} could not be checked",
                plural(s.failed_files, "file", "files")
            );
        }
        if !s.detected.is_empty() {
            if s.detected.len() <= 5 {
                let list: Vec<String> = s.detected.iter().map(|(p, k)| format!("{p} as {k}")).collect();
                let _ = write!(line, " (detected: {})", list.join(", "));
            } else {
                let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
                for (_, k) in &s.detected {
                    *counts.entry(k).or_default() += 1;
                }
                let list: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
                let _ = write!(line, " (kinds detected: {})", list.join(", "));
            }
        }
        line.push('\n');
        line
    }
}
