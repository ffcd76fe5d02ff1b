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

/// The rule id of findings about directives naming a rule id that does not exist.
pub const UNKNOWN_RULE: &str = "unknown-rule-in-directive";

/// The rules about directives themselves: not in any pack, reported by [`apply`] and
/// [`unknown_ids`], but named like any rule in `--select`, `--ignore`, `severity` and `explain`.
pub const DIRECTIVE_RULES: [&str; 2] = [UNUSED_RULE, UNKNOWN_RULE];

/// `ticketlint rules` / `explain` metadata of a directive rule, at `severity`.
pub fn rule_meta(id: &str, severity: Severity) -> Option<crate::rules::RuleMeta> {
    use crate::profile::{Audience, Kind};
    use crate::rules::{Explain, RuleMeta, Shape};
    let (summary, explain) = match id {
        UNUSED_RULE => (
            "An inline ticketlint-disable directive that suppressed no finding",
            Explain {
                what: "A `ticketlint-disable` or `ticketlint-disable-next-line` directive, or one of the rule ids it names, that suppressed no finding in this run. A rule that is not enabled in the run (left out of `select`, or in `ignore`) suppresses nothing, so the message says \"not enabled\" for it. Reported only with `--report-unused-disables`, or when `select` names `unused-disable`.".into(),
                why: "A directive outlives the sentence it was written for: once the text is reworded it keeps switching the rule off for whatever is written there next, and readers of the source cannot tell which directives still matter.".into(),
                bad: "`<!-- ticketlint-disable-next-line blame-language -->` left above \"The sync job failed at 09:10 and was restarted.\", which no longer blames anyone.".into(),
                good: "\"The sync job failed at 09:10 and was restarted.\" with no directive above it.".into(),
                fix: None,
            },
        ),
        UNKNOWN_RULE => (
            "An inline ticketlint directive that names a rule that does not exist",
            Explain {
                what: "A `ticketlint-disable`, `ticketlint-disable-next-line` or `ticketlint-enable` directive naming a rule id that no loaded rule has (usually a typo). The finding names the id and, when one is close, the rule probably meant.".into(),
                why: "A directive with a misspelt id suppresses nothing, silently: the finding it was meant to silence is still reported, and a `ticketlint-enable` with a misspelt id leaves the region open to the end of the file.".into(),
                bad: "`<!-- ticketlint-disable-next-line blame-languag -->` (a typo: `blame-language` is still reported on the next line).".into(),
                good: "`<!-- ticketlint-disable-next-line blame-language -->`".into(),
                fix: None,
            },
        ),
        _ => return None,
    };
    Some(RuleMeta {
        id: id.to_string(),
        shape: Shape::Directive,
        severity,
        also: Vec::new(),
        kinds: Kind::ALL.to_vec(),
        audiences: Audience::ALL.to_vec(),
        any_kind_for: Vec::new(),
        summary: summary.to_string(),
        explain,
        redact: false,
    })
}

/// The id among `known` closest to `id` by edit distance, when it is close enough to be a
/// likely typo (at most a third of the id's length, and at most 3 edits).
pub fn closest<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (id.chars().count() / 3).clamp(1, 3);
    known
        .into_iter()
        .map(|k| (edit_distance(id, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A help text for an unknown rule id: the closest known id when one is close, and where to
/// find the list.
pub fn unknown_help<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match closest(id, known) {
        Some(c) => format!("did you mean `{c}`? run `ticketlint rules` to list rule ids"),
        None => "run `ticketlint rules` to list rule ids".to_string(),
    }
}

/// How [`apply_with`] judges the rule ids a directive names.
pub struct Ids<'a> {
    /// Is this a rule id that exists (enabled or not, directive rules included)?
    pub known: &'a dyn Fn(&str) -> bool,
    /// Is this rule enabled in this run (so that it could have had findings to suppress)?
    pub enabled: &'a dyn Fn(&str) -> bool,
    /// Name unknown ids in `unused-disable` findings (when no `unknown-rule-in-directive`
    /// finding reports them).
    pub unknown_as_unused: bool,
}

/// An `unknown-rule-in-directive` finding, at `severity`, for each rule id a directive names
/// that `known` does not know; `candidates` are offered as the closest id.
pub fn unknown_ids(
    directives: &[Directive],
    known: &dyn Fn(&str) -> bool,
    candidates: &[&str],
    severity: Severity,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in directives {
        for r in d.rules.iter().filter(|r| !known(r)) {
            let suggestion = match closest(r, candidates.iter().copied()) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "use a rule id from `ticketlint rules`, or remove it".to_string(),
            };
            out.push(Diagnostic {
                rule: UNKNOWN_RULE.to_string(),
                severity,
                span: d.span,
                message: format!("`{}` names unknown rule `{r}`", d.kind.as_str()),
                suggestion: Some(suggestion),
                fix: None,
            });
        }
    }
    out
}

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
    let every = |_: &str| true;
    let ids = Ids {
        known: &every,
        enabled: &every,
        unknown_as_unused: true,
    };
    apply_with(directives, text_len, diags, &ids)
}

/// [`apply`], with `ids` saying which rule ids exist and which are enabled: in the
/// `unused-disable` message an id of a rule not enabled is marked "not enabled in this run" and
/// an unknown id "unknown rule" (or left out unless `ids.unknown_as_unused`).
pub fn apply_with(
    directives: &[Directive],
    text_len: usize,
    diags: Vec<Diagnostic>,
    ids: &Ids,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
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
            let names: Vec<String> = d
                .rules
                .iter()
                .zip(&used)
                .filter(|(r, u)| !**u && (ids.unknown_as_unused || (ids.known)(r)))
                .map(|(r, _)| {
                    if !(ids.known)(r) {
                        format!("`{r}` (unknown rule)")
                    } else if !(ids.enabled)(r) {
                        format!("`{r}` (not enabled in this run)")
                    } else {
                        format!("`{r}`")
                    }
                })
                .collect();
            if names.is_empty() {
                continue;
            }
            format!("`{}` suppressed no finding of {}", d.kind.as_str(), names.join(", "))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, start: usize, end: usize) -> Diagnostic {
        Diagnostic {
            rule: rule.to_string(),
            severity: Severity::Warning,
            span: Span::new(start, end),
            message: String::new(),
            suggestion: None,
            fix: None,
        }
    }

    #[test]
    fn closest_suggests_near_typos_only() {
        let known = ["blame-language", "shouting", "vague-time"];
        assert_eq!(closest("blame-languag", known), Some("blame-language"));
        assert_eq!(closest("Blame-Langauge", known), Some("blame-language"));
        assert_eq!(closest("vauge-time", known), Some("vague-time"));
        // Too far from every id: no guess.
        assert_eq!(closest("passive-voice", known), None);
        assert_eq!(closest("x", known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn unknown_ids_are_reported_on_their_directive() {
        let t = "<!-- ticketlint-disable-next-line blame-languag, shouting -->\nx\n<!-- ticketlint-enable zzz -->\n<!-- ticketlint-disable -->\n";
        let ds = parse(t, InputFormat::Markdown);
        assert_eq!(ds.len(), 3);
        let known = |id: &str| ["blame-language", "shouting"].contains(&id);
        let found = unknown_ids(&ds, &known, &["blame-language", "shouting"], Severity::Error);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].rule, UNKNOWN_RULE);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].span, ds[0].span);
        assert!(found[0].message.contains("`blame-languag`"), "{}", found[0].message);
        assert!(!found[0].message.contains("shouting"));
        assert_eq!(found[0].suggestion.as_deref(), Some("did you mean `blame-language`?"));
        // `enable` with a typo is reported too, with no guess when nothing is close.
        assert!(
            found[1]
                .message
                .starts_with("`ticketlint-enable` names unknown rule `zzz`")
        );
        assert!(!found[1].suggestion.as_deref().unwrap().contains("did you mean"));
        // Known ids only, or no ids at all: nothing.
        let t = "<!-- ticketlint-disable shouting -->\n<!-- ticketlint-disable -->\n";
        assert!(unknown_ids(&parse(t, InputFormat::Markdown), &known, &[], Severity::Warning).is_empty());
    }

    #[test]
    fn unused_ids_are_marked_not_enabled_or_unknown() {
        let t = "ticketlint-disable-next-line shouting, blame-language, blame-languag\nYOU MUST\n";
        let ds = parse(t, InputFormat::Text);
        let shout = finding("shouting", t.find("YOU").unwrap(), t.len() - 1);
        let known = |id: &str| ["shouting", "blame-language"].contains(&id);
        let enabled = |id: &str| id == "shouting";
        let ids = Ids {
            known: &known,
            enabled: &enabled,
            unknown_as_unused: true,
        };
        let (kept, unused) = apply_with(&ds, t.len(), vec![shout.clone()], &ids);
        assert!(kept.is_empty());
        assert_eq!(unused.len(), 1);
        assert_eq!(
            unused[0].message,
            "`ticketlint-disable-next-line` suppressed no finding of `blame-language` (not enabled in this run), `blame-languag` (unknown rule)"
        );
        // Unknown ids reported elsewhere are left out; a directive whose only unused ids are
        // unknown is then not reported as unused at all.
        let ids = Ids {
            unknown_as_unused: false,
            ..ids
        };
        let (_, unused) = apply_with(&ds, t.len(), vec![shout.clone()], &ids);
        assert!(!unused[0].message.contains("blame-languag`"), "{}", unused[0].message);
        let t = "ticketlint-disable-next-line shouting, shoutin\nYOU MUST\n";
        let ds = parse(t, InputFormat::Text);
        let shout = finding("shouting", t.find("YOU").unwrap(), t.len() - 1);
        let (kept, unused) = apply_with(&ds, t.len(), vec![shout], &ids);
        assert!(kept.is_empty() && unused.is_empty(), "{unused:?}");
    }

    #[test]
    fn directive_rules_have_explain_text() {
        for id in DIRECTIVE_RULES {
            let m = rule_meta(id, Severity::Info).unwrap();
            assert_eq!(m.id, id);
            assert_eq!(m.severity, Severity::Info);
            assert_eq!(m.shape.as_str(), "directive");
            for text in [&m.explain.what, &m.explain.why, &m.explain.bad, &m.explain.good] {
                assert!(!text.trim().is_empty());
            }
        }
        assert!(rule_meta("blame-language", Severity::Info).is_none());
    }
}
