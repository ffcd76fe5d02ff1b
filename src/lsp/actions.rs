//! Code actions: apply a finding's fix, and disable a rule for one line or the whole file by
//! inserting an inline directive (read by `document::directives`).
//!
//! - Markdown and HTML (and an HTML e-mail body): `<!-- ticketlint-disable-next-line RULE -->`
//!   covers the line after the one the comment ends on; `<!-- ticketlint-disable RULE -->` at the
//!   top covers the file.
//! - Plain text (and a plain e-mail body): a line holding only `ticketlint-disable-next-line
//!   RULE`, or `ticketlint-disable RULE` as the first line.
//!
//! "The top" is after a BOM, after Markdown front matter, and in an `.eml` file the start of the
//! body (the headers stay intact). An e-mail whose body is transfer-encoded gets no directive
//! actions: its text is not the file's.
//!
//! In Markdown a directive must not change what the text renders to: a comment line inserted in
//! the middle of a paragraph would split it, so there the comment is appended to the end of the
//! previous prose line instead (inline HTML renders as nothing).

use super::position::{Encoding, LineMap};
use crate::diagnostic::{Applicability, Diagnostic, Span};
use crate::document::{BlockKind, Document, InputFormat, email};
use lsp_types::{TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

pub const NEXT_LINE: &str = "ticketlint-disable-next-line";
pub const DISABLE: &str = "ticketlint-disable";

/// How directives are written in a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// An HTML comment.
    Comment,
    /// A line of its own.
    Line,
}

/// Where directives may go in a document, and how they are written.
#[derive(Debug, Clone, Copy)]
struct Layout {
    style: Style,
    /// Markdown: keep paragraphs whole (see the module docs).
    markdown: bool,
    /// Where the text that directives apply to starts (the file-level directive goes here).
    top: usize,
}

fn layout(text: &str, format: InputFormat) -> Option<Layout> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (style, markdown, top) = match format {
        InputFormat::Text => (Style::Line, false, bom),
        InputFormat::Markdown => (Style::Comment, true, after_front_matter(text, bom)),
        InputFormat::Html => (Style::Comment, false, bom),
        InputFormat::Email => match email::locate(text) {
            email::Body::Verbatim { start, html, .. } => {
                (if html { Style::Comment } else { Style::Line }, false, start)
            }
            email::Body::Decoded { .. } | email::Body::Missing => return None,
        },
    };
    Some(Layout { style, markdown, top })
}

/// One text insertion at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    pub at: usize,
    pub text: String,
}

fn eol(text: &str) -> &'static str {
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The directive that disables `rule` on the line of `span`, or `None` when no directive can be
/// placed without changing the document (the first body row of a Markdown table, whose previous
/// line is the delimiter row; an encoded e-mail body).
pub fn disable_line(text: &str, format: InputFormat, span: Span, rule: &str) -> Option<Insert> {
    let layout = layout(text, format)?;
    let map = LineMap::new(text);
    let line = map.line_of(span.start.min(text.len()));
    let line_start = map.line_start(line);
    if line_start < layout.top {
        return None;
    }
    let prev = (line > 0 && map.line_start(line - 1) >= layout.top).then(|| map.line_range(text, line - 1));
    // Extend a next-line directive on the previous line that already names rules.
    if let Some((ps, pe)) = prev
        && let Some(at) = extend_existing(&text[ps..pe], layout.style)
    {
        return Some(Insert {
            at: ps + at,
            text: format!(", {rule}"),
        });
    }
    let own_line = |indent: &str| -> Insert {
        let body = match layout.style {
            Style::Comment => format!("<!-- {NEXT_LINE} {rule} -->"),
            Style::Line => format!("{NEXT_LINE} {rule}"),
        };
        Insert {
            at: line_start,
            text: format!("{indent}{body}{}", eol(text)),
        }
    };
    let line_text = &text[line_start..map.line_range(text, line).1];
    let indent_chars: &[char] = if layout.markdown {
        &[' ', '\t', '>']
    } else {
        &[' ', '\t']
    };
    let indent_len = line_text.len() - line_text.trim_start_matches(indent_chars).len();
    let indent = &line_text[..indent_len];
    if !layout.markdown {
        return Some(own_line(indent));
    }
    let doc = Document::parse(text, format);
    let in_block = |offset: usize, kinds: &dyn Fn(BlockKind) -> bool| {
        doc.blocks
            .iter()
            .any(|b| kinds(b.kind) && b.span.start <= offset && offset <= b.span.end)
    };
    // Prose lines: some prose is visible in the masked text (tight list items have no
    // paragraph), or the line is inside a paragraph, heading or table row (a line of only
    // inline code or a URL). A setext underline is part of its heading but takes no comment.
    let is_prose_line = |s: usize, e: usize| {
        let t = text[s..e].trim();
        let underline = t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-');
        !t.is_empty()
            && !underline
            && (!doc.masked[s..e].trim().is_empty()
                || in_block(e - 1, &|k| {
                    matches!(k, BlockKind::Paragraph | BlockKind::Heading(_) | BlockKind::TableCell)
                }))
    };
    let in_table = in_block(span.start, &|k| k == BlockKind::TableCell);
    match prev {
        // Append an inline comment to the previous prose line, before trailing spaces or a
        // backslash (a hard line break stays one).
        Some((ps, pe)) if pe > ps && is_prose_line(ps, pe) => {
            let content = text[ps..pe].trim_end_matches([' ', '\t']);
            // A table row: inside its last cell (text after the closing pipe is no cell).
            let row = doc
                .blocks
                .iter()
                .any(|b| b.kind == BlockKind::TableCell && ps <= b.span.start && b.span.end <= pe);
            let content = match content.strip_suffix('|') {
                Some(c) if row && !c.ends_with('\\') => c,
                _ => content,
            };
            let content = content.strip_suffix('\\').unwrap_or(content);
            let content = content.trim_end_matches([' ', '\t']);
            Some(Insert {
                at: ps + content.len(),
                text: format!(" <!-- {NEXT_LINE} {rule} -->"),
            })
        }
        // A comment line right after a table's delimiter row would end the table.
        Some(_) if in_table => None,
        _ => Some(own_line(indent)),
    }
}

/// Where to add `, RULE` to a next-line directive that names rules, in a line's text.
fn extend_existing(line: &str, style: Style) -> Option<usize> {
    let trimmed = line.trim_start_matches([' ', '\t', '>']);
    let body = match style {
        Style::Comment => {
            let inner = trimmed.strip_prefix("<!--")?.trim_start();
            let end = inner.find("-->")?;
            if !inner[end + 3..].trim().is_empty() {
                return None;
            }
            inner[..end].trim_end()
        }
        Style::Line => trimmed.trim_end(),
    };
    let ids = body.strip_prefix(NEXT_LINE)?;
    if !ids.starts_with([' ', '\t']) || ids.trim().is_empty() {
        return None; // another directive, or one that already covers every rule
    }
    // The byte offset in `line` right after the last rule id.
    let start = line.len() - trimmed.len();
    let body_start = trimmed.find(NEXT_LINE)?;
    Some(start + body_start + body.len())
}

/// The directive that disables `rule` for the whole file, at the top (see the module docs);
/// `None` for an e-mail whose body is encoded.
pub fn disable_file(text: &str, format: InputFormat, rule: &str) -> Option<Insert> {
    let layout = layout(text, format)?;
    let at = layout.top;
    let body = match layout.style {
        Style::Comment => format!("<!-- {DISABLE} {rule} -->"),
        Style::Line => format!("{DISABLE} {rule}"),
    };
    // At the very end of a text without a final newline, start a new line first.
    let lead = if at == text.len() && at > 0 && !text.ends_with('\n') {
        eol(text)
    } else {
        ""
    };
    Some(Insert {
        at,
        text: format!("{lead}{body}{}", eol(text)),
    })
}

/// The offset after YAML (`---`) or TOML (`+++`) front matter starting at `start`.
fn after_front_matter(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let fence = if rest.starts_with("---") {
        "---"
    } else if rest.starts_with("+++") {
        "+++"
    } else {
        return start;
    };
    let mut lines = rest.split_inclusive('\n');
    let Some(first) = lines.next() else { return start };
    if first.trim_end() != fence {
        return start;
    }
    let mut at = start + first.len();
    for line in lines {
        at += line.len();
        let l = line.trim_end();
        if l == fence || (fence == "---" && l == "...") {
            return at;
        }
    }
    start // unterminated: not front matter
}

/// A fix's edits as LSP text edits.
pub fn fix_edits(text: &str, map: &LineMap, enc: Encoding, d: &Diagnostic) -> Option<Vec<TextEdit>> {
    let fix = d.fix.as_ref()?;
    let edits: Vec<TextEdit> = if fix.edits.is_empty() {
        vec![TextEdit::new(map.range(text, d.span, enc), fix.replacement.clone())]
    } else {
        fix.edits
            .iter()
            .map(|e| TextEdit::new(map.range(text, e.span, enc), e.replacement.clone()))
            .collect()
    };
    Some(edits)
}

/// The title of a fix's action.
pub fn fix_title(text: &str, d: &Diagnostic) -> String {
    let old = text.get(d.span.start..d.span.end).unwrap_or("");
    let new = d.fix.as_ref().map_or("", |f| f.replacement.as_str());
    let unsafe_note = match d.fix.as_ref().map(|f| f.applicability) {
        Some(Applicability::Unsafe) => " (review the wording)",
        _ => "",
    };
    let verb = match (old.is_empty(), new.is_empty()) {
        (true, _) => format!("Insert \"{}\"", short(new)),
        (false, true) => format!("Remove \"{}\"", short(old)),
        (false, false) => format!("Replace \"{}\" with \"{}\"", short(old), short(new)),
    };
    format!("{verb}{unsafe_note}")
}

fn short(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// One insertion as a workspace edit.
pub fn insert_edit(uri: &Uri, text: &str, map: &LineMap, enc: Encoding, ins: &Insert) -> WorkspaceEdit {
    let at = map.position(text, ins.at, enc);
    edit(
        uri,
        vec![TextEdit::new(lsp_types::Range::new(at, at), ins.text.clone())],
    )
}

pub fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, ins: &Insert) -> String {
        let mut t = text.to_string();
        t.insert_str(ins.at, &ins.text);
        t
    }

    fn line_action(text: &str, format: InputFormat, needle: &str) -> Option<String> {
        let at = text.find(needle).unwrap();
        disable_line(text, format, Span::new(at, at + needle.len()), "blame-language").map(|i| apply(text, &i))
    }

    #[test]
    fn plain_text_gets_a_directive_line_with_the_same_indent() {
        let t = "Hi,\n\n  That was user error.\n";
        assert_eq!(
            line_action(t, InputFormat::Text, "user error").unwrap(),
            "Hi,\n\n  ticketlint-disable-next-line blame-language\n  That was user error.\n"
        );
        let crlf = "Hi,\r\nThat was user error.\r\n";
        assert_eq!(
            line_action(crlf, InputFormat::Text, "user error").unwrap(),
            "Hi,\r\nticketlint-disable-next-line blame-language\r\nThat was user error.\r\n"
        );
    }

    #[test]
    fn markdown_block_start_gets_a_comment_line() {
        let t = "# Title\n\nThat was user error.\n";
        assert_eq!(
            line_action(t, InputFormat::Markdown, "user error").unwrap(),
            "# Title\n\n<!-- ticketlint-disable-next-line blame-language -->\nThat was user error.\n"
        );
        let first = "That was user error.\n";
        assert_eq!(
            line_action(first, InputFormat::Markdown, "user error").unwrap(),
            "<!-- ticketlint-disable-next-line blame-language -->\nThat was user error.\n"
        );
    }

    #[test]
    fn markdown_mid_paragraph_appends_to_the_previous_line() {
        let t = "We looked at it.  \nThat was user error.\n";
        assert_eq!(
            line_action(t, InputFormat::Markdown, "user error").unwrap(),
            "We looked at it. <!-- ticketlint-disable-next-line blame-language -->  \nThat was user error.\n"
        );
        let list = "- one\n- That was user error.\n";
        assert_eq!(
            line_action(list, InputFormat::Markdown, "user error").unwrap(),
            "- one <!-- ticketlint-disable-next-line blame-language -->\n- That was user error.\n"
        );
    }

    #[test]
    fn markdown_after_code_fence_gets_its_own_line() {
        let t = "```\ncode\n```\nThat was user error.\n";
        assert_eq!(
            line_action(t, InputFormat::Markdown, "user error").unwrap(),
            "```\ncode\n```\n<!-- ticketlint-disable-next-line blame-language -->\nThat was user error.\n"
        );
        let setext = "Title\n=====\nThat was user error.\n";
        assert_eq!(
            line_action(setext, InputFormat::Markdown, "user error").unwrap(),
            "Title\n=====\n<!-- ticketlint-disable-next-line blame-language -->\nThat was user error.\n"
        );
    }

    #[test]
    fn first_table_body_row_has_no_line_action() {
        let t = "| a | b |\n|---|---|\n| user error | x |\n| y | user error |\n";
        assert_eq!(line_action(t, InputFormat::Markdown, "user error |"), None);
        let second = t.rfind("user error").unwrap();
        let ins = disable_line(t, InputFormat::Markdown, Span::new(second, second + 10), "r").unwrap();
        assert_eq!(
            apply(t, &ins),
            "| a | b |\n|---|---|\n| user error | x <!-- ticketlint-disable-next-line r --> |\n| y | user error |\n"
        );
    }

    #[test]
    fn an_existing_directive_is_extended() {
        let md = "<!-- ticketlint-disable-next-line unexplained-jargon -->\nThat was user error.\n";
        assert_eq!(
            line_action(md, InputFormat::Markdown, "user error").unwrap(),
            "<!-- ticketlint-disable-next-line unexplained-jargon, blame-language -->\nThat was user error.\n"
        );
        let txt = "ticketlint-disable-next-line unexplained-jargon\nThat was user error.\n";
        assert_eq!(
            line_action(txt, InputFormat::Text, "user error").unwrap(),
            "ticketlint-disable-next-line unexplained-jargon, blame-language\nThat was user error.\n"
        );
    }

    #[test]
    fn file_directive_goes_after_bom_and_front_matter() {
        let t = "\u{feff}---\nkind: kb\n---\n# Title\n";
        assert_eq!(
            apply(t, &disable_file(t, InputFormat::Markdown, "blame-language").unwrap()),
            "\u{feff}---\nkind: kb\n---\n<!-- ticketlint-disable blame-language -->\n# Title\n"
        );
        let txt = "Hi,\r\nthere\r\n";
        assert_eq!(
            apply(txt, &disable_file(txt, InputFormat::Text, "blame-language").unwrap()),
            "ticketlint-disable blame-language\r\nHi,\r\nthere\r\n"
        );
        let hr = "---\n\nNot front matter.\n";
        assert_eq!(disable_file(hr, InputFormat::Markdown, "r").unwrap().at, 0);
    }

    // ---- The inserted directives really suppress the finding (document::directives). ----

    fn rule_hits(text: &str, format: InputFormat, rule: &str) -> Vec<String> {
        use crate::config::Settings;
        use crate::walk::{Overrides, check_bytes};
        use std::sync::OnceLock;
        static ENGINE: OnceLock<crate::engine::Engine> = OnceLock::new();
        let engine = ENGINE.get_or_init(|| crate::engine::Engine::builtin().unwrap());
        let overrides = Overrides {
            input_format: Some(format),
            ..Overrides::default()
        };
        let checked = check_bytes(
            engine,
            &Settings::default(),
            overrides,
            "t",
            std::path::Path::new("t"),
            text.as_bytes().to_vec(),
        );
        checked
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| checked.text[d.span.start..d.span.end].to_string())
            .collect()
    }

    /// Disable `rule` at the `nth` occurrence of `needle` (for its line, or the file): that
    /// finding goes, the others of the rule stay (for a line directive).
    #[track_caller]
    fn assert_suppresses(text: &str, format: InputFormat, needle: &str, nth: usize, file: bool) {
        let rule = "blame-language";
        let before = rule_hits(text, format, rule);
        assert!(
            before.iter().any(|h| h == needle),
            "{needle:?} not flagged in {text:?}: {before:?}"
        );
        let at = text.match_indices(needle).nth(nth).unwrap().0;
        let ins = if file {
            disable_file(text, format, rule)
        } else {
            disable_line(text, format, Span::new(at, at + needle.len()), rule)
        }
        .expect("a directive can be placed");
        let edited = apply(text, &ins);
        let after = rule_hits(&edited, format, rule);
        let want = if file { 0 } else { before.len() - 1 };
        assert_eq!(
            after.len(),
            want,
            "after inserting {:?}:\n{edited}\nstill flagged: {after:?}",
            ins.text
        );
    }

    const REST: &str = "Please restart your laptop and reply if it happens again.\n";

    #[test]
    fn line_directives_suppress_in_every_format() {
        let text = format!("Hi Pat,\n\nThat was user error.\n{REST}");
        assert_suppresses(&text, InputFormat::Text, "user error", 0, false);
        let md = format!("# Reset\n\nThat was user error.\n\n{REST}");
        assert_suppresses(&md, InputFormat::Markdown, "user error", 0, false);
        let mid = format!("# Reset\n\nWe checked the logs.\nThat was user error.\n\n{REST}");
        assert_suppresses(&mid, InputFormat::Markdown, "user error", 0, false);
        let list = format!("- We checked the logs.\n- That was user error.\n- Also user error.\n\n{REST}");
        assert_suppresses(&list, InputFormat::Markdown, "user error", 0, false);
        let table = format!("| a | b |\n|---|---|\n| x | y |\n| user error | z |\n\n{REST}");
        assert_suppresses(&table, InputFormat::Markdown, "user error", 0, false);
        let quote = format!("> We checked.\n> That was user error.\n\n{REST}");
        assert_suppresses(&quote, InputFormat::Markdown, "user error", 0, false);
        let html = format!("<p>We checked.</p>\n  <p>That was user error.</p>\n<p>{REST}</p>\n");
        assert_suppresses(&html, InputFormat::Html, "user error", 0, false);
        let eml = format!(
            "From: a@example.com\nTo: b@example.com\nSubject: user error\n\nHi,\n\nThat was user error.\n{REST}"
        );
        assert_suppresses(&eml, InputFormat::Email, "user error", 1, false);
    }

    #[test]
    fn file_directives_suppress_in_every_format() {
        let text = format!("Hi Pat,\n\nThat was user error.\n{REST}");
        assert_suppresses(&text, InputFormat::Text, "user error", 0, true);
        let md = format!("---\nkind: reply\n---\nThat was user error.\n\n{REST}");
        assert_suppresses(&md, InputFormat::Markdown, "user error", 0, true);
        let html = format!("<!DOCTYPE html>\n<p>That was user error.</p>\n<p>{REST}</p>\n");
        assert_suppresses(&html, InputFormat::Html, "user error", 0, true);
        let eml = format!("From: a@example.com\nSubject: hi\n\nHi,\n\nThat was user error.\n{REST}");
        assert_suppresses(&eml, InputFormat::Email, "user error", 0, true);
        // The headers stay intact: the directive starts the body.
        let ins = disable_file(&eml, InputFormat::Email, "r").unwrap();
        assert!(apply(&eml, &ins).starts_with("From: a@example.com\nSubject: hi\n\nticketlint-disable r\nHi,"));
    }

    #[test]
    fn encoded_email_bodies_get_no_directives() {
        let eml = "From: a@example.com\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nVGhhdCB3YXMgdXNlciBlcnJvci4K\n";
        assert_eq!(disable_file(eml, InputFormat::Email, "r"), None);
        assert_eq!(disable_line(eml, InputFormat::Email, Span::new(60, 62), "r"), None);
    }
}
