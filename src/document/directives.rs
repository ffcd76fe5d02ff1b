//! Inline suppression directives, and filtering findings with them.
//!
//! Markdown and HTML: comments `<!-- ticketlint-disable rule-a, rule-b -->` …
//! `<!-- ticketlint-enable rule-a -->` and `<!-- ticketlint-disable-next-line rule-a -->`.
//! Plain text and e-mail bodies: a line holding only `ticketlint-disable-next-line rule-a` (or
//! `ticketlint-disable` / `ticketlint-enable`); that line is not prose. Without rule ids a
//! directive covers every rule.
//!
//! Regions: `disable` runs from the directive to the `enable` naming that rule (a bare `enable`
//! ends every open region) or to the end of the input; `disable-next-line` covers the line
//! after the one the directive ends on. A finding is suppressed when its start lies in a
//! region for its rule; a document-level finding (empty span) also when it sits exactly at the
//! end of a region that runs to the end of the input.

use super::InputFormat;
use crate::diagnostic::{Diagnostic, Severity, Span};
use regex::Regex;
use std::sync::OnceLock;

/// The rule id of findings about directives that suppressed nothing.
pub const UNUSED_RULE: &str = "unused-disable";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Disable,
    Enable,
    DisableNextLine,
}

impl DirectiveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveKind::Disable => "ticketlint-disable",
            DirectiveKind::Enable => "ticketlint-enable",
            DirectiveKind::DisableNextLine => "ticketlint-disable-next-line",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// Rule ids named; empty means every rule.
    pub rules: Vec<String>,
    /// The comment (Markdown/HTML) or the line without its terminator (text).
    pub span: Span,
    /// Where it suppresses findings (empty for `enable`).
    pub region: Span,
    /// Rules re-enabled before the region's end by `ticketlint-enable RULE`, and where.
    pub ended: Vec<(String, usize)>,
}

impl Directive {
    fn applies_to(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule)
    }

    /// The region for one rule.
    pub fn region_for(&self, rule: &str) -> Span {
        match self.ended.iter().find(|(r, _)| r == rule) {
            Some(&(_, end)) => Span::new(self.region.start, end.max(self.region.start)),
            None => self.region,
        }
    }
}

fn comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"<!--[ \t]*ticketlint-(disable-next-line|disable|enable)\b([^>]*?)-->").expect("valid regex")
    })
}

fn line_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?m)^[ \t]*(?:<!--[ \t]*)?ticketlint-(disable-next-line|disable|enable)\b([ \t]+[A-Za-z0-9_, \t-]*?)?[ \t]*(?:-->)?[ \t]*\r?$")
            .expect("valid regex")
    })
}

fn kind_of(word: &str) -> DirectiveKind {
    match word {
        "disable" => DirectiveKind::Disable,
        "enable" => DirectiveKind::Enable,
        _ => DirectiveKind::DisableNextLine,
    }
}

fn rule_ids(list: &str) -> Vec<String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// At most this many directives are honoured per file. Turning directives into regions and
/// filtering findings with them costs directives × findings: real documents hold a handful,
/// so a file with thousands is hostile or generated. The rest are ignored, with a notice.
pub const MAX_DIRECTIVES: usize = 1000;

/// Find the directives of `text` read as `format`. Cheap when there are none.
pub fn parse(text: &str, format: InputFormat) -> Vec<Directive> {
    parse_capped(text, format).0
}

/// [`parse`], and whether directives past [`MAX_DIRECTIVES`] were ignored.
pub fn parse_capped(text: &str, format: InputFormat) -> (Vec<Directive>, bool) {
    if finder!("ticketlint-").find(text.as_bytes()).is_none() {
        return (Vec::new(), false);
    }
    let mut found: Vec<(DirectiveKind, Vec<String>, Span)> = Vec::new();
    match format {
        InputFormat::Text => scan_lines(text, 0, text.len(), &mut found),
        InputFormat::Markdown => {
            for range in markdown_html(text) {
                scan_comments(text, range.start, range.end, &mut found);
            }
        }
        InputFormat::Html => html_comments(text, 0, text.len(), &mut found),
        InputFormat::Email => {
            if let super::email::Body::Verbatim { start, end, html } = super::email::locate(text) {
                if html {
                    html_comments(text, start, end, &mut found);
                } else {
                    scan_lines(text, start, end, &mut found);
                }
            }
        }
    }
    found.sort_by_key(|f| f.2.start);
    let dropped = found.len() > MAX_DIRECTIVES;
    found.truncate(MAX_DIRECTIVES);
    (regions(text, found), dropped)
}

fn scan_lines(text: &str, start: usize, end: usize, out: &mut Vec<(DirectiveKind, Vec<String>, Span)>) {
    for c in line_re().captures_iter(&text[start..end]) {
        let m = c.get(0).expect("match");
        let line = m.as_str().trim_end_matches('\r');
        out.push((
            kind_of(&c[1]),
            c.get(2).map(|l| rule_ids(l.as_str())).unwrap_or_default(),
            Span::new(start + m.start(), start + m.start() + line.len()),
        ));
    }
}

fn scan_comments(text: &str, start: usize, end: usize, out: &mut Vec<(DirectiveKind, Vec<String>, Span)>) {
    for c in comment_re().captures_iter(&text[start..end]) {
        let m = c.get(0).expect("match");
        out.push((
            kind_of(&c[1]),
            rule_ids(&c[2]),
            Span::new(start + m.start(), start + m.end()),
        ));
    }
}

/// Ranges of raw HTML in Markdown (never inside code blocks or inline code).
fn markdown_html(text: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_FOOTNOTES;
    Parser::new_ext(&text[offset..], opts)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_)))
        .map(|(_, r)| r.start + offset..r.end + offset)
        .collect()
}

fn html_comments(text: &str, start: usize, end: usize, out: &mut Vec<(DirectiveKind, Vec<String>, Span)>) {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(&text[start..end], emitter) {
        let Ok(Token::Comment(c)) = token else { continue };
        scan_comments(text, start + c.span.start, start + c.span.end, out);
    }
}

/// Turn directives in order into regions.
fn regions(text: &str, found: Vec<(DirectiveKind, Vec<String>, Span)>) -> Vec<Directive> {
    let len = text.len();
    let mut out: Vec<Directive> = Vec::with_capacity(found.len());
    for (kind, rules, span) in found {
        let region = match kind {
            DirectiveKind::Enable => {
                // End the open `disable` regions: all of them for a bare `enable`, else for
                // the rules it names.
                for d in out
                    .iter_mut()
                    .filter(|d| d.kind == DirectiveKind::Disable && d.region.end == len)
                {
                    if rules.is_empty() {
                        d.region.end = span.start;
                        continue;
                    }
                    for r in &rules {
                        if d.applies_to(r) && !d.ended.iter().any(|(e, _)| e == r) {
                            d.ended.push((r.clone(), span.start));
                        }
                    }
                    if !d.rules.is_empty() && d.rules.iter().all(|r| d.ended.iter().any(|(e, _)| e == r)) {
                        d.region.end = span.start;
                    }
                }
                Span::empty(span.end)
            }
            DirectiveKind::Disable => Span::new(span.start, len),
            DirectiveKind::DisableNextLine => {
                let bytes = text.as_bytes();
                let next = memchr::memchr(b'\n', &bytes[span.end..]).map_or(len, |i| span.end + i + 1);
                let end = memchr::memchr(b'\n', &bytes[next..]).map_or(len, |i| next + i);
                Span::new(next, end)
            }
        };
        out.push(Directive {
            kind,
            rules,
            span,
            region,
            ended: Vec::new(),
        });
    }
    out
}

fn covers(region: Span, at: usize, empty: bool, len: usize) -> bool {
    (region.start <= at && at < region.end) || (empty && at == region.end && region.end == len)
}

/// Drop the findings a directive suppresses. Returns the kept findings and, for each
/// `disable`/`disable-next-line` directive that suppressed nothing for some of its rules, an
/// `unused-disable` warning on the directive.
pub fn apply(directives: &[Directive], text_len: usize, diags: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    if directives.is_empty() {
        return (diags, Vec::new());
    }
    // Per directive: which of its rule ids (or "all", index 0 when it names none) were used.
    let mut used: Vec<Vec<bool>> = directives.iter().map(|d| vec![false; d.rules.len().max(1)]).collect();
    let mut kept = Vec::with_capacity(diags.len());
    for diag in diags {
        let mut suppressed = false;
        for (i, d) in directives.iter().enumerate() {
            if d.kind == DirectiveKind::Enable
                || !d.applies_to(&diag.rule)
                || !covers(
                    d.region_for(&diag.rule),
                    diag.span.start,
                    diag.span.is_empty(),
                    text_len,
                )
            {
                continue;
            }
            suppressed = true;
            let slot = d.rules.iter().position(|r| *r == diag.rule).unwrap_or(0);
            used[i][slot] = true;
        }
        if !suppressed {
            kept.push(diag);
        }
    }
    let mut unused = Vec::new();
    for (d, used) in directives.iter().zip(used) {
        if d.kind == DirectiveKind::Enable || used.iter().all(|&u| u) {
            continue;
        }
        let message = if d.rules.is_empty() {
            format!("`{}` (all rules) suppressed no finding", d.kind.as_str())
        } else {
            let ids: Vec<String> = d
                .rules
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(r, _)| format!("`{r}`"))
                .collect();
            format!("`{}` suppressed no finding of {}", d.kind.as_str(), ids.join(", "))
        };
        unused.push(Diagnostic {
            rule: UNUSED_RULE.to_string(),
            severity: Severity::Warning,
            span: d.span,
            message,
            suggestion: Some("remove the directive, or the rule ids that no longer fire".into()),
            fix: None,
        });
    }
    (kept, unused)
}
