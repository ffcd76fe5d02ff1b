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
use crate::source::LineCursor;
use crate::walk::Checked;
use owo_colors::OwoColorize;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

pub struct Human {
    pub color: bool,
}

impl Human {
    fn push_severity(&self, out: &mut String, s: Severity) {
        let name = s.as_str();
        let _ = match (self.color, s) {
            (false, _) => write!(out, "{name}"),
            (true, Severity::Error) => write!(out, "{}", name.red().bold()),
            (true, Severity::Warning) => write!(out, "{}", name.yellow().bold()),
            (true, Severity::Info) => write!(out, "{}", name.cyan().bold()),
        };
    }

    fn push_dim(&self, out: &mut String, s: &str) {
        if self.color {
            let _ = write!(out, "{}", s.blue().bold());
        } else {
            out.push_str(s);
        }
    }
}

/// Push `s` with tabs expanded to 4 spaces, so that the caret line lines up with the source line.
fn push_display(out: &mut String, s: &str) {
    for (i, part) in s.split('\t').enumerate() {
        if i > 0 {
            out.push_str("    ");
        }
        out.push_str(part);
    }
}

fn push_spaces(out: &mut String, n: usize) {
    push_run(
        out,
        "                                                                ",
        n,
    );
}

/// Push `n` copies of the one ASCII character that `run` repeats, a slice of `run` at a time
/// (`extend` with `repeat_n` pushed them one by one: with the width count below, 16M
/// instructions of the bench corpus's human output).
fn push_run(out: &mut String, run: &str, mut n: usize) {
    while n > 0 {
        let k = n.min(run.len());
        out.push_str(&run[..k]);
        n -= k;
    }
}

/// Terminal display width of `s` as [`push_display`] prints it: a tab is four columns; the rest
/// is measured by `unicode-width` (UAX #11 and the emoji sequences): East Asian wide and
/// fullwidth characters and emoji take two columns, combining marks, the zero-width joiner,
/// variation selectors and U+FEFF (a BOM) none, any other character one. ASCII text, the usual
/// case, is counted by bytes without the table look-ups.
fn width(s: &str) -> usize {
    let tabs = s.bytes().filter(|&b| b == b'\t').count();
    if s.is_ascii() {
        return s.len() + 3 * tabs;
    }
    s.split('\t').map(UnicodeWidthStr::width).sum::<usize>() + 4 * tabs
}

/// The byte range `start..end` of `original` (a line, or a long line's window, of the text) in
/// `shown`, the same line as printed, where a secret's characters may be starred out. Starring keeps one
/// character per character, so the two have the same length only if every starred character
/// was one byte, and then the offsets agree; otherwise the range is found by counting
/// characters.
fn shown_range(original: &str, shown: &str, start: usize, end: usize) -> (usize, usize) {
    if original.len() == shown.len() {
        return (start, end);
    }
    let at = |offset: usize| {
        let n = original[..offset].chars().count();
        shown.char_indices().nth(n).map_or(shown.len(), |(i, _)| i)
    };
    (at(start), at(end))
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
        // The findings come in order of start: counted from one to the next.
        let mut lines = LineCursor::new(&c.text);
        for d in &c.diagnostics {
            let start = lines.line_col(d.span.start);
            let full = lines.line_text();
            let full_start = lines.line_start();
            // A long line is shown as a window around the finding, marked with "…".
            let (line_start, window_text, lead, trail) = window(&c.text, full_start, full, d.span.start, d.span.end);
            // Sensitive text (a secret) is starred out of the printed line; columns stay put.
            let shown = c.display_slice(line_start, line_start + window_text.len());
            // The caret line is padded and underlined in terminal columns of the printed line
            // (wide characters and emoji take two, a starred secret character one). A BOM at
            // the start of the text is left out of the printed line and takes no column.
            let bom = if line_start == 0 && shown.starts_with('\u{feff}') {
                '\u{feff}'.len_utf8()
            } else {
                0
            };
            let win_end = line_start + window_text.len();
            let from = d.span.start.clamp(line_start, win_end);
            let to = d.span.end.clamp(from, win_end);
            let (from, to) = shown_range(
                window_text,
                &shown,
                (from - line_start).max(bom),
                (to - line_start).max(bom),
            );
            let line: &str = &shown[bom..];
            let pre_width = width(&shown[bom..from]) + if lead { 1 } else { 0 };
            let carets = width(&shown[from..to]).max(1);
            // Written piece by piece into `out` (a finding used to cost a dozen short-lived
            // Strings); the bytes are the same.
            let line_no = start.line.to_string();
            let _ = write!(out, "{}:{}:{}: ", c.path, start.line, start.column);
            self.push_severity(&mut out, d.severity);
            let _ = write!(out, "[{}] ", d.rule);
            if self.color {
                let _ = write!(out, "{}", d.message.bold());
            } else {
                out.push_str(&d.message);
            }
            out.push('\n');
            let gutter = line_no.len();
            push_spaces(&mut out, gutter);
            out.push(' ');
            self.push_dim(&mut out, "|");
            out.push('\n');
            self.push_dim(&mut out, &line_no);
            out.push(' ');
            self.push_dim(&mut out, "|");
            out.push(' ');
            if lead {
                out.push('…');
            }
            push_display(&mut out, line);
            if trail {
                out.push('…');
            }
            out.push('\n');
            push_spaces(&mut out, gutter);
            out.push(' ');
            self.push_dim(&mut out, "|");
            out.push(' ');
            push_spaces(&mut out, pre_width);
            if self.color {
                let _ = write!(out, "{}", "^".repeat(carets).yellow().bold());
            } else {
                push_run(
                    &mut out,
                    "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
                    carets,
                );
            }
            out.push('\n');
            if let Some(s) = &d.suggestion {
                push_spaces(&mut out, gutter);
                out.push(' ');
                self.push_dim(&mut out, "= help:");
                out.push(' ');
                out.push_str(s);
                out.push('\n');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_any_length_and_widths() {
        for n in [0, 1, 63, 64, 65, 200] {
            let mut out = String::from("x");
            push_spaces(&mut out, n);
            assert_eq!(out, format!("x{}", " ".repeat(n)));
            let mut out = String::new();
            push_run(&mut out, "^^^^", n);
            assert_eq!(out, "^".repeat(n));
        }
        assert_eq!(width(""), 0);
        assert_eq!(width("a\tb"), 6);
        assert_eq!(width("café\t“x”"), 11);
    }

    #[test]
    fn width_counts_terminal_columns() {
        // One column a character in ASCII and most scripts; a tab is four.
        assert_eq!(width("user error"), 10);
        assert_eq!(width("\tx\t"), 9);
        assert_eq!(width("naïve"), 5);
        // Emoji and East Asian wide/fullwidth characters are two columns.
        assert_eq!(width("👋"), 2);
        assert_eq!(width("Hi 👋 🎉, "), 10);
        assert_eq!(width("你好，"), 6);
        assert_eq!(width("한국어"), 6);
        assert_eq!(width("ＡＢ"), 4);
        assert_eq!(width("\t🎉\t"), 10);
        // Zero width: a BOM, combining marks, ZWJ and variation selectors.
        assert_eq!(width("\u{feff}"), 0);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("a\u{200d}b"), 2);
        assert_eq!(width("\u{fe0f}"), 0);
        // An emoji ZWJ sequence is one two-column picture, not three.
        assert_eq!(width("👨\u{200d}👩\u{200d}👧"), 2);
        assert_ne!(width("👋"), "👋".chars().count());
    }

    #[test]
    fn shown_range_maps_offsets_past_starred_characters() {
        // Unchanged or starred one byte for one byte: the same offsets.
        assert_eq!(shown_range("key abc: x", "key abc: x", 9, 10), (9, 10));
        assert_eq!(shown_range("key abc: x", "key a**: x", 9, 10), (9, 10));
        // A starred two-byte character shrinks the line: the range moves with it.
        let original = "pw é€ñ then user error";
        let shown = "pw *** then user error";
        let start = original.find("user").unwrap();
        let (a, b) = shown_range(original, shown, start, original.len());
        assert_eq!(&shown[a..b], "user error");
        assert_ne!(a, start);
        // The end of the line maps to the end of the shown line.
        assert_eq!(
            shown_range(original, shown, original.len(), original.len()),
            (shown.len(), shown.len())
        );
    }
}
