//! `--format unix`: `path:line:col: severity: message [rule-id]`, one line per finding.
//!
//! Vim's default errorformat (`%f:%l:%c: %m`), ALE, efm-langserver, flycheck and none-ls read
//! it without configuration. The column counts UTF-8 bytes, 1-based, as Vim's `%c` does (a tab
//! is one byte). Line breaks inside a message become spaces so that a finding stays one line.

use super::{Emitter, Positions, Summary};
use crate::walk::Checked;
use std::fmt::Write;

pub struct Unix;

impl Emitter for Unix {
    fn file(&self, c: &Checked, _first: bool) -> String {
        let mut out = String::new();
        if c.diagnostics.is_empty() {
            return out;
        }
        let pos = Positions::new(&c.text);
        for d in &c.diagnostics {
            let start = pos.bytes(d.span.start);
            let _ = writeln!(
                out,
                "{}:{}:{}: {}: {} [{}]",
                c.path,
                start.line,
                start.column,
                d.severity.as_str(),
                one_line(&d.message),
                d.rule
            );
        }
        out
    }

    fn end(&self, _summary: &Summary) -> String {
        String::new()
    }
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{render, sample};

    #[test]
    fn one_line_per_finding_with_byte_columns() {
        let mut files = sample();
        files[0].diagnostics[0].message = "two\nlines".into();
        let out = render(&Unix, &files);
        assert_eq!(
            out,
            "a.txt:3:8: error: two lines [blame-language]\n\
             a.txt:3:28: info: \"DNS\" may be unfamiliar [unexplained-jargon]\n\
             c d.txt:1:6: warning: no next step [missing-next-step]\n"
        );
    }
}
