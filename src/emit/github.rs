//! `--format github`: GitHub Actions workflow commands, one per finding, which the runner turns
//! into annotations on the pull request:
//!
//! ```text
//! ::warning file=kb/vpn.md,line=3,col=14,endLine=3,endColumn=24,title=blame-language::"user error" labels …
//! ```
//!
//! `error` -> `::error`, `warning` -> `::warning`, `info` -> `::notice`. Lines and columns are
//! 1-based; columns count Unicode scalar values, `endColumn` is the column after the last
//! character (as in the JSON contract). Escaping follows actions/toolkit (`command.ts`): in the
//! message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; property values also escape `:` and `,`
//! as `%3A` and `%2C`.

use super::{Emitter, Positions, Summary, message_with_help};
use crate::diagnostic::Severity;
use crate::walk::Checked;
use std::fmt::Write;

pub struct Github;

impl Emitter for Github {
    fn file(&self, c: &Checked, _first: bool) -> String {
        let mut out = String::new();
        if c.diagnostics.is_empty() {
            return out;
        }
        let pos = Positions::new(&c.text);
        for d in &c.diagnostics {
            let start = pos.chars(d.span.start);
            let end = pos.chars(d.span.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let _ = writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&c.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&d.rule),
                escape_data(&message_with_help(d))
            );
        }
        out
    }

    fn end(&self, _summary: &Summary) -> String {
        String::new()
    }
}

/// Escape a command's message (`escapeData` in actions/toolkit).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a command property value (`escapeProperty` in actions/toolkit).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::emit::{render, sample};

    #[test]
    fn commands_per_severity_with_char_columns() {
        let out = render(&Github, &sample());
        assert_eq!(
            out,
            "::error file=a.txt,line=3,col=7,endLine=3,endColumn=17,title=blame-language::\"user error\" blames%0Ahelp: say what happened\n\
             ::notice file=a.txt,line=3,col=27,endLine=3,endColumn=30,title=unexplained-jargon::\"DNS\" may be unfamiliar\n\
             ::warning file=c d.txt,line=1,col=6,endLine=1,endColumn=6,title=missing-next-step::no next step\n"
        );
    }

    #[test]
    fn escapes_percent_first() {
        assert_eq!(escape_data("100%\r\nok"), "100%25%0D%0Aok");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
