//! Choosing, normalising, ordering and applying edits; the bounded convergence loop.
//!
//! Everything here is pure text in, text out: no files, no engine. Edits are byte ranges into
//! the text they were computed on; [`apply`] copies every byte outside them unchanged, so line
//! endings, a BOM and the final newline (or its absence) survive by construction.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Span};
use std::collections::HashMap;

/// How many rounds of "check, apply" the loop runs before it gives up.
pub const MAX_ROUNDS: usize = 10;

/// The edits of one pass, ready to apply: sorted, non-overlapping and not touching.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pub edits: Vec<Edit>,
    /// The rule of each fix taken, in order (a fix may have several edits).
    pub rules: Vec<String>,
    /// Fixes that were applicable but left for a later pass because they overlapped one taken.
    pub deferred: usize,
    /// Fixes present but below the requested applicability (unsafe ones in safe mode).
    pub withheld: usize,
}

/// Choose the fixes to apply in one pass. Fixes are taken first by position (the start of
/// their first edit), then by rule order (`rule_order`: a rule's position among the enabled
/// rules); a fix whose edits overlap or touch an edit already taken waits for the next pass.
/// Each edit is normalised ([`normalize`]) before the overlap test, so what is compared is
/// exactly what will be applied. A fix is all or nothing.
pub fn plan(text: &str, diagnostics: &[Diagnostic], level: Applicability, rule_order: &HashMap<String, usize>) -> Plan {
    let mut candidates: Vec<(usize, usize, usize, Vec<Edit>, &str)> = Vec::new();
    let mut out = Plan::default();
    for (i, d) in diagnostics.iter().enumerate() {
        let Some(fix) = &d.fix else { continue };
        if fix.edits.is_empty() {
            continue;
        }
        if fix.applicability < level {
            out.withheld += 1;
            continue;
        }
        let mut edits: Vec<Edit> = fix
            .edits
            .iter()
            .filter(|e| valid(text, e) && text[e.span.start..e.span.end] != *e.replacement)
            .map(|e| normalize(text, e))
            .collect();
        if edits.len() != fix.edits.len() {
            // An edit out of range, off a char boundary, or with nothing to change.
            continue;
        }
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        if edits.windows(2).any(|w| conflicts(w[0].span, w[1].span)) {
            continue;
        }
        let order = rule_order.get(&d.rule).copied().unwrap_or(usize::MAX);
        candidates.push((edits[0].span.start, order, i, edits, d.rule.as_str()));
    }
    candidates.sort_by_key(|c| (c.0, c.1, c.2));
    let mut taken: Vec<Edit> = Vec::new();
    for (_, _, _, edits, rule) in candidates {
        if edits.iter().any(|e| taken.iter().any(|t| conflicts(t.span, e.span))) {
            out.deferred += 1;
            continue;
        }
        taken.extend(edits);
        out.rules.push(rule.to_string());
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    out.edits = taken;
    out
}

fn valid(text: &str, e: &Edit) -> bool {
    e.span.start <= e.span.end
        && e.span.end <= text.len()
        && text.is_char_boundary(e.span.start)
        && text.is_char_boundary(e.span.end)
}

/// Two edits conflict when they overlap or touch: two insertions at one point, or an
/// insertion at the edge of a replacement, have no single right order, so one waits.
pub fn conflicts(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Apply sorted, non-overlapping edits. Every byte outside the edits is copied unchanged.
///
/// # Panics
/// If the edits overlap, are unsorted, or are not on char boundaries (a caller bug).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let growth: usize = edits.iter().map(|e| e.replacement.len()).sum();
    let mut out = String::with_capacity(text.len() + growth);
    let mut at = 0;
    for e in edits {
        assert!(e.span.start >= at, "edits overlap or are unsorted");
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

// ---------------------------------------------------------------------------------------------
// Normalisation: capitalisation and spacing around an edit, the same for every rule.

/// The characters of the white space inside a line that an edit may widen over.
const HSPACE: [char; 3] = [' ', '\t', '\u{a0}'];

/// The HTML entities of the no-break space (U+00A0), spelt as the HTML reader reads them as a
/// space (`document::html`). In Markdown and HTML text, `You&nbsp;just need` has a space after
/// "You" as much as `You just need` has, so a deletion widens over these too. Other spellings
/// (`&#xA0` without `;`, `&#00160;`) and other space entities (`&ensp;`) are text here: left
/// as they are.
const NBSP_ENTITIES: [&str; 4] = ["&nbsp;", "&#160;", "&#xa0;", "&#xA0;"];

/// `s` without the white space it ends with: spaces, tabs, U+00A0 and whole
/// [`NBSP_ENTITIES`] (never part of one: `&amp;nbsp;` is text, not a space).
fn trim_end_space(s: &str) -> &str {
    let mut s = s.trim_end_matches(HSPACE);
    while let Some(e) = NBSP_ENTITIES.iter().find(|e| s.ends_with(**e)) {
        s = s[..s.len() - e.len()].trim_end_matches(HSPACE);
    }
    s
}

/// `s` without the white space it starts with (as [`trim_end_space`]).
fn trim_start_space(s: &str) -> &str {
    let mut s = s.trim_start_matches(HSPACE);
    while let Some(e) = NBSP_ENTITIES.iter().find(|e| s.starts_with(**e)) {
        s = s[e.len()..].trim_start_matches(HSPACE);
    }
    s
}

/// Make an edit read right in its context. Rules describe WHAT to change (a phrase and its
/// replacement); this decides how the text around it must move, for every rule alike:
///
/// - an edit whose replacement keeps the old text in front ("SSO" -> "SSO (…)") is an insertion
///   after it; an insertion never splits a word ("SSO's", "SSO-enabled": it goes after the word)
///   and leaves the punctuation that follows where it was;
/// - a deletion leaves no double space and no space before punctuation; a phrase set off by
///   commas takes its commas with it ("X, with all due respect, Y" -> "X Y"). White space here
///   is a space, a tab, a no-break space (U+00A0) or its HTML entity (`&nbsp;`, `&#160;`,
///   `&#xA0;`), see [`deletion`];
/// - at a sentence start, the text that now starts the sentence inherits the capital the old
///   first word had ("Simply click" -> "Click", "Per my last email," -> "To recap,").
///
/// The result covers the original span (it may grow over spaces, commas and one letter).
pub fn normalize(text: &str, edit: &Edit) -> Edit {
    let Span { start, end } = edit.span;
    let old = &text[start..end];
    let rep = edit.replacement.as_str();
    if old == rep {
        return edit.clone(); // nothing to change, so nothing to tidy around
    }
    if old.is_empty() {
        return insertion(text, start, rep);
    }
    if !old.is_empty() && rep.len() > old.len() && rep.starts_with(old) {
        return insertion(text, end, &rep[old.len()..]);
    }
    if rep.is_empty() {
        return deletion(text, start, end);
    }
    let mut rep = rep.to_string();
    if at_sentence_start(text, start) && starts_upper(old) {
        capitalise_first(&mut rep);
    }
    Edit {
        span: edit.span,
        replacement: rep,
    }
}

fn insertion(text: &str, mut at: usize, ins: &str) -> Edit {
    // Never split a word: "SSO's" or "SSO-enabled" gets the insertion after the whole word.
    let prev_is_word = text[..at].chars().next_back().is_some_and(is_word_char);
    if prev_is_word {
        loop {
            let rest = &text[at..];
            let mut chars = rest.chars();
            match chars.next() {
                Some(c) if is_word_char(c) => at += c.len_utf8(),
                Some(c @ ('\'' | '’' | '-')) if chars.next().is_some_and(is_word_char) => at += c.len_utf8(),
                _ => break,
            }
        }
    }
    Edit {
        span: Span::empty(at),
        replacement: ins.to_string(),
    }
}

/// A deletion, widened over the white space and commas around it. The edit only ever removes
/// bytes next to the deleted text and never rewrites the separator it keeps: where a plain space
/// would stay, a no-break space written as U+00A0 or as an entity stays as written, so
/// `You&nbsp;just need` becomes `You&nbsp;need` (the space before the word is kept, the one
/// after it goes, as for `You just need`), and `Just&nbsp;restart` becomes `Restart`. The
/// widening takes whole entities or none, so it never leaves half of one.
fn deletion(text: &str, start: usize, end: usize) -> Edit {
    let cap = at_sentence_start(text, start) && starts_upper(&text[start..end]);
    // Emphasis around exactly the deleted text goes with it: "**Simply** click" leaves no "****".
    let (start, end) = wrapped(text, start, end);
    let (mut s, mut e) = (start, end);
    let before = prev_non_space(text, s);
    let after_at = skip_hspace(text, e);
    let own_comma = trim_end_space(&text[s..e]).ends_with(',');
    let comma_after = own_comma || text[after_at..].starts_with(',');
    let comma_before = before.is_some_and(|(c, _)| c == ',');
    if comma_after && !own_comma {
        e = after_at + 1;
    }
    match (comma_before, comma_after) {
        // "X, phrase, Y" -> "X Y"
        (true, true) => {
            s = before.map_or(s, |(_, i)| i);
        }
        // "phrase, Y" -> "Y"
        (false, true) => {
            e = skip_hspace(text, e);
        }
        // "X, phrase." -> "X."
        (true, false) if ends_clause(text, after_at) => {
            s = before.map_or(s, |(_, i)| i);
        }
        _ => {
            let b = text[..s].chars().next_back();
            let space_before = trim_end_space(&text[..s]).len() < s;
            let space_after = skip_hspace(text, e) > e;
            let open = |c: char| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘' | '\u{feff}');
            // After an opening tag or emphasis mark ("<p>", "**") the next word moves up too.
            let opened = trailing_tag(&text[..s]).is_some() || b.is_some_and(|c| EMPHASIS.contains(&c));
            if space_after && (b.is_none_or(open) || space_before || opened) {
                e = skip_hspace(text, e);
            } else if space_before && ends_clause(text, e) {
                s = trim_end_space(&text[..s]).len();
            }
        }
    }
    let mut replacement = String::new();
    // The next word, past any emphasis that opens before it ("Obviously, *it* works").
    let marks = text[e..].len() - text[e..].trim_start_matches(EMPHASIS).len();
    if cap
        && marks <= 3
        && let Some(c) = text[e + marks..].chars().next()
    {
        let word: &str = text[e + marks..].split(|c: char| !is_word_char(c)).next().unwrap_or("");
        if c.is_lowercase() && !word.chars().skip(1).any(char::is_uppercase) {
            replacement.push_str(&text[e..e + marks]);
            replacement.extend(c.to_uppercase());
            e += marks + c.len_utf8();
        }
    }
    Edit {
        span: Span::new(s, e),
        replacement,
    }
}

/// Markdown's emphasis and strike-through marks.
const EMPHASIS: [char; 3] = ['*', '_', '~'];

/// HTML elements of inline emphasis, whose tags go with a deletion of all they hold.
const INLINE_TAGS: [&str; 7] = ["b", "i", "em", "strong", "u", "mark", "s"];

/// `start..end` grown over the emphasis that holds exactly it, layer by layer: the same run of
/// Markdown marks (up to three) on both sides (`**x**`, `_x_`, `~~x~~`), or an inline HTML
/// element's tags without attributes (`<b>x</b>`).
fn wrapped(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    loop {
        let before = &text[..start];
        let after = &text[end..];
        let run = before.len() - before.trim_end_matches(EMPHASIS).len();
        let marks = &before[before.len() - run..];
        if (1..=3).contains(&run) && marks.chars().all(|c| marks.starts_with(c)) && after.starts_with(marks) {
            let next = after[run..].chars().next();
            if next.is_none_or(|c| !EMPHASIS.contains(&c)) {
                start -= run;
                end += run;
                continue;
            }
        }
        let tag = INLINE_TAGS.iter().find(|t| {
            before.len() > t.len() + 2
                && before.ends_with('>')
                && before[..before.len() - 1].ends_with(*t)
                && before[..before.len() - 1 - t.len()].ends_with('<')
                && after.starts_with("</")
                && after[2..].starts_with(*t)
                && after[2 + t.len()..].starts_with('>')
        });
        match tag {
            Some(t) => {
                start -= t.len() + 2;
                end += t.len() + 3;
            }
            None => return (start, end),
        }
    }
}

/// The previous character that is not white space in the line ([`trim_end_space`]), with its
/// byte offset.
fn prev_non_space(text: &str, at: usize) -> Option<(char, usize)> {
    let t = trim_end_space(&text[..at]);
    t.chars().next_back().map(|c| (c, t.len() - c.len_utf8()))
}

/// `at` moved past the white space in the line that follows it ([`trim_start_space`]).
fn skip_hspace(text: &str, at: usize) -> usize {
    at + (text[at..].len() - trim_start_space(&text[at..]).len())
}

/// Does a clause end at `at` (punctuation, a line end, or the end of the text)?
fn ends_clause(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_none_or(|c| {
        matches!(
            c,
            '.' | '!' | '?' | ';' | ':' | ')' | ']' | ',' | '\n' | '\r' | '"' | '”'
        )
    })
}

/// Does a sentence start at `at`? True at the start of the text, of a line (a list item, a
/// heading) and after `.`, `!`, `?` or `:`, looking past spaces (no-break ones too, as
/// characters or entities), opening brackets and quotes.
pub fn at_sentence_start(text: &str, at: usize) -> bool {
    let opening = [' ', '\t', '\u{a0}', '(', '[', '"', '\'', '“', '‘', '*', '_', '\u{feff}'];
    let mut before = text[..at].trim_end_matches(opening);
    // Past HTML tags (`<p><b>Simply`) and no-break-space entities (`Done.&nbsp;Simply`) too.
    loop {
        if let Some(tag) = trailing_tag(before) {
            before = &before[..before.len() - tag];
        } else if let Some(e) = NBSP_ENTITIES.iter().find(|e| before.ends_with(**e)) {
            before = &before[..before.len() - e.len()];
        } else {
            break;
        }
        before = before.trim_end_matches(opening);
    }
    match before.chars().next_back() {
        None => true,
        Some('.' | '!' | '?' | ':' | '\n' | '\r') => true,
        Some('-' | '+' | '>' | '#') => {
            // A Markdown list item, quote or heading marker alone at the start of its line.
            let line = before.rsplit('\n').next().unwrap_or(before);
            line.chars()
                .all(|c| matches!(c, ' ' | '\t' | '-' | '+' | '>' | '#' | '\u{feff}'))
        }
        Some(_) => false,
    }
}

/// The length of the HTML tag (`<p>`, `</b>`, `<a href="x">`) that `s` ends with, if it does.
fn trailing_tag(s: &str) -> Option<usize> {
    let open = s.strip_suffix('>')?.rfind(['<', '>'])?;
    let tag = &s[open..];
    let name = tag[1..].strip_prefix('/').unwrap_or(&tag[1..]);
    (tag.starts_with('<') && name.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(tag.len())
}

fn starts_upper(s: &str) -> bool {
    s.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)
}

fn capitalise_first(s: &mut String) {
    if let Some(c) = s.chars().next()
        && c.is_lowercase()
    {
        let upper: String = c.to_uppercase().collect();
        s.replace_range(..c.len_utf8(), &upper);
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

// ---------------------------------------------------------------------------------------------
// The convergence loop.

/// The result of fixing one text.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub text: String,
    /// The rule of every fix applied, over all rounds.
    pub applied: Vec<String>,
    /// Rounds that applied something.
    pub rounds: usize,
    /// False when fixes were still applicable after [`MAX_ROUNDS`] rounds, or the text came
    /// back to an earlier state (fixes undoing each other).
    pub converged: bool,
    /// The findings on the final text (the re-check).
    pub diagnostics: Vec<Diagnostic>,
    /// Fixes on the final text that the requested level did not allow.
    pub withheld: usize,
}

impl Outcome {
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Check, apply the applicable fixes, and repeat on the new text until no applicable fix
/// remains, at most [`MAX_ROUNDS`] times. `check` must re-parse and re-check the text it gets.
pub fn converge(
    text: &str,
    level: Applicability,
    rule_order: &HashMap<String, usize>,
    mut check: impl FnMut(&str) -> Vec<Diagnostic>,
) -> Outcome {
    let mut current = text.to_string();
    let mut applied = Vec::new();
    let mut seen = vec![hash(text)];
    let mut rounds = 0;
    loop {
        let diagnostics = check(&current);
        let p = plan(&current, &diagnostics, level, rule_order);
        let done = p.edits.is_empty();
        if done || rounds == MAX_ROUNDS {
            return Outcome {
                text: current,
                applied,
                rounds,
                converged: done,
                diagnostics,
                withheld: p.withheld,
            };
        }
        current = apply(&current, &p.edits);
        applied.extend(p.rules);
        rounds += 1;
        let h = hash(&current);
        if seen.contains(&h) {
            // A cycle: fixes that undo each other. Stop here; the caller reports it.
            let diagnostics = check(&current);
            return Outcome {
                text: current,
                applied,
                rounds,
                converged: false,
                withheld: 0,
                diagnostics,
            };
        }
        seen.push(h);
    }
}

fn hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Severity};

    fn del(text: &str, word: &str) -> String {
        let s = text.find(word).unwrap();
        let e = normalize(
            text,
            &Edit {
                span: Span::new(s, s + word.len()),
                replacement: String::new(),
            },
        );
        apply(text, &[e])
    }

    fn rep(text: &str, word: &str, with: &str) -> String {
        let s = text.find(word).unwrap();
        let e = normalize(
            text,
            &Edit {
                span: Span::new(s, s + word.len()),
                replacement: with.into(),
            },
        );
        apply(text, &[e])
    }

    #[test]
    fn deletion_at_sentence_start_capitalises() {
        assert_eq!(del("Simply click Save.", "Simply"), "Click Save.");
        assert_eq!(del("Done. Simply click Save.", "Simply"), "Done. Click Save.");
        assert_eq!(del("- Simply click Save.", "Simply"), "- Click Save.");
        assert_eq!(del("\u{feff}Simply click", "Simply"), "\u{feff}Click");
        assert_eq!(del("Hi,\r\nSimply click\r\n", "Simply"), "Hi,\r\nClick\r\n");
        // The writer's lowercase style is kept; a word with capitals inside is left alone.
        assert_eq!(del("simply click", "simply"), "click");
        assert_eq!(del("Simply iPhone users", "Simply"), "iPhone users");
    }

    /// Emphasis or an inline HTML element that holds exactly the deleted text goes with it, and
    /// the next word takes the capital past the marks that open it.
    #[test]
    fn deletion_takes_the_emphasis_around_it() {
        assert_eq!(del("**Simply** click Save.", "Simply"), "Click Save.");
        assert_eq!(del("Done. _Just_ restart it.", "Just"), "Done. Restart it.");
        assert_eq!(del("Please ~~simply~~ click.", "simply"), "Please click.");
        assert_eq!(del("Obviously, *it* works.", "Obviously,"), "*It* works.");
        assert_eq!(
            del("<p><b>Simply</b> open Outlook.</p>", "Simply"),
            "<p>Open Outlook.</p>"
        );
        assert_eq!(
            del("Please <em><b>simply</b></em> open it.", "simply"),
            "Please open it."
        );
        // Emphasis that holds more than the deleted text stays.
        assert_eq!(del("**Simply click** Save.", "Simply"), "**Click** Save.");
        assert_eq!(del("Please **simply click** Save.", "simply"), "Please **click** Save.");
        // Unequal marks are not a pair.
        assert_eq!(del("a *simply_ b", "simply"), "a *_ b");
        assert_eq!(del("<b>simply</i> b", "simply"), "<b></i> b");
    }

    #[test]
    fn deletion_leaves_no_double_space() {
        assert_eq!(del("Please simply click Save.", "simply"), "Please click Save.");
        assert_eq!(del("Click Save simply.", "simply"), "Click Save.");
        assert_eq!(del("Click Save simply\nNext", "simply"), "Click Save\nNext");
        assert_eq!(del("Click\tsimply\tSave", "simply"), "Click\tSave");
    }

    /// A no-break space next to the deleted text, as U+00A0 or as an entity, is white space as
    /// a plain one is: the same separator stays, as written, and no entity is cut.
    #[test]
    fn deletion_widens_over_no_break_spaces() {
        // Mid-sentence the separator before the word stays and the one after goes.
        assert_eq!(
            del("You&nbsp;just need to restart.", "just"),
            "You&nbsp;need to restart."
        );
        assert_eq!(del("You just&nbsp;need to restart.", "just"), "You need to restart.");
        assert_eq!(
            del("Please&nbsp;just&nbsp;restart it.", "just"),
            "Please&nbsp;restart it."
        );
        assert_eq!(
            del("Please&#160;just&#xA0;restart it.", "just"),
            "Please&#160;restart it."
        );
        assert_eq!(del("Please just&#xa0;restart it.", "just"), "Please restart it.");
        assert_eq!(del("You\u{a0}just need it.", "just"), "You\u{a0}need it.");
        assert_eq!(
            del("Please\u{a0}just\u{a0}restart it.", "just"),
            "Please\u{a0}restart it."
        );
        assert_eq!(del("Please <b>just</b>&nbsp;restart it.", "just"), "Please restart it.");
        // At a sentence start the separator after goes and the next word takes the capital.
        assert_eq!(del("Just&nbsp;restart it.", "Just"), "Restart it.");
        assert_eq!(del("Just\u{a0}restart it.", "Just"), "Restart it.");
        assert_eq!(del("<p>Just&nbsp;restart it.</p>", "Just"), "<p>Restart it.</p>");
        assert_eq!(del("Done. Just&nbsp;restart it.", "Just"), "Done. Restart it.");
        assert_eq!(del("Done.&nbsp;Just restart it.", "Just"), "Done.&nbsp;Restart it.");
        assert_eq!(del("Done.\u{a0}Just restart it.", "Just"), "Done.\u{a0}Restart it.");
        // Before punctuation the separator before goes.
        assert_eq!(del("Click Save&nbsp;simply.", "simply"), "Click Save.");
        assert_eq!(del("Click Save\u{a0}simply.", "simply"), "Click Save.");
        assert_eq!(del("Click Save &nbsp;simply.", "simply"), "Click Save.");
        // Commas: a no-break space next to them is found as a plain one is.
        assert_eq!(
            del("With all due respect,&nbsp;the logs say no.", "With all due respect"),
            "The logs say no."
        );
        assert_eq!(
            del("With all due respect,\u{a0}the logs say no.", "With all due respect"),
            "The logs say no."
        );
        assert_eq!(
            del(
                "The logs,&nbsp;with all due respect,&nbsp;say no.",
                "with all due respect"
            ),
            "The logs&nbsp;say no."
        );
        assert_eq!(
            del(
                "The logs,\u{a0}with all due respect,\u{a0}say no.",
                "with all due respect"
            ),
            "The logs\u{a0}say no."
        );
        assert_eq!(
            del("The logs say no,&nbsp;with all due respect.", "with all due respect"),
            "The logs say no."
        );
    }

    /// Only whole no-break-space entities next to the deletion count: other entities, escaped
    /// ones (`&amp;nbsp;` is the text "&nbsp;"), unterminated ones and those further away stay.
    #[test]
    fn deletion_leaves_other_entities_alone() {
        assert_eq!(del("Click Save &amp;nbsp;simply.", "simply"), "Click Save &amp;nbsp;.");
        assert_eq!(del("Simply&amp;nbsp; click", "Simply"), "&amp;nbsp; click");
        assert_eq!(del("Click Save &nbsp simply.", "simply"), "Click Save &nbsp.");
        assert_eq!(del("Save&amp;simply.", "simply"), "Save&amp;.");
        assert_eq!(del("Please simply&ensp;x", "simply"), "Please &ensp;x");
        assert_eq!(
            del("Use&nbsp;it. Please just restart&#160;it.", "just"),
            "Use&nbsp;it. Please restart&#160;it."
        );
        assert_eq!(
            del("Tom&nbsp;&amp;&nbsp;Jerry, please just restart.", "just"),
            "Tom&nbsp;&amp;&nbsp;Jerry, please restart."
        );
        // Not a sentence start: an entity other than a space hides nothing.
        assert!(!at_sentence_start("Tom&amp;Simply", 8));
        assert!(at_sentence_start("Done.&nbsp;&#160;Simply", 17));
    }

    #[test]
    fn deletion_takes_its_commas() {
        assert_eq!(
            del("With all due respect, the logs say no.", "With all due respect,"),
            "The logs say no."
        );
        assert_eq!(
            del("With all due respect, the logs say no.", "With all due respect"),
            "The logs say no."
        );
        assert_eq!(
            del("The logs, with all due respect, say no.", "with all due respect,"),
            "The logs say no."
        );
        assert_eq!(
            del("The logs say no, with all due respect.", "with all due respect"),
            "The logs say no."
        );
        assert_eq!(
            del(
                "Look, you need to understand that it works.",
                "you need to understand that"
            ),
            "Look, it works."
        );
    }

    #[test]
    fn replacement_at_sentence_start_inherits_capital() {
        assert_eq!(
            rep("Per my last email, it works.", "Per my last email,", "to recap,"),
            "To recap, it works."
        );
        assert_eq!(
            rep("It works, per my last email, now.", "per my last email,", "to recap,"),
            "It works, to recap, now."
        );
        assert_eq!(rep("Obviously you need it.", "Obviously you", "you"), "You need it.");
    }

    #[test]
    fn insertion_keeps_punctuation_and_words_whole() {
        assert_eq!(rep("Use SSO.", "SSO", "SSO (one sign-in)"), "Use SSO (one sign-in).");
        assert_eq!(
            rep("Use SSO, then", "SSO", "SSO (one sign-in)"),
            "Use SSO (one sign-in), then"
        );
        assert_eq!(
            rep("The SSO's page", "SSO", "SSO (one sign-in)"),
            "The SSO's (one sign-in) page"
        );
        assert_eq!(
            rep("SSO-enabled apps", "SSO", "SSO (one sign-in)"),
            "SSO-enabled (one sign-in) apps"
        );
        assert_eq!(rep("(see SSO)", "SSO", "SSO (one sign-in)"), "(see SSO (one sign-in))");
    }

    fn diag(rule: &str, s: usize, e: usize, r: &str, a: Applicability) -> Diagnostic {
        Diagnostic {
            rule: rule.into(),
            severity: Severity::Warning,
            span: Span::new(s, e),
            message: String::new(),
            suggestion: None,
            fix: Some(Fix {
                replacement: r.into(),
                applicability: a,
                edits: vec![Edit {
                    span: Span::new(s, e),
                    replacement: r.into(),
                }],
            }),
        }
    }

    #[test]
    fn overlaps_resolve_by_position_then_rule_order() {
        let text = "aaa bbb ccc";
        let order: HashMap<String, usize> = [("first".to_string(), 0), ("second".to_string(), 1)].into();
        // Same start: the rule that comes first wins; the other is deferred.
        let d = vec![
            diag("second", 0, 3, "X", Applicability::Safe),
            diag("first", 0, 7, "Y", Applicability::Safe),
            diag("second", 8, 11, "Z", Applicability::Safe),
        ];
        let p = plan(text, &d, Applicability::Safe, &order);
        assert_eq!(p.rules, ["first", "second"]);
        assert_eq!(p.deferred, 1);
        assert_eq!(apply(text, &p.edits), "Y Z");
        // Unsafe fixes are withheld at the safe level.
        let d = vec![diag("first", 0, 3, "X", Applicability::Unsafe)];
        let p = plan(text, &d, Applicability::Safe, &order);
        assert!(p.edits.is_empty());
        assert_eq!(p.withheld, 1);
        assert_eq!(plan(text, &d, Applicability::Unsafe, &order).edits.len(), 1);
    }

    #[test]
    fn loop_is_bounded_and_reports_non_convergence() {
        let order = HashMap::new();
        // A fix that always finds more to do never converges.
        let grow = |t: &str| vec![diag("r", t.len(), t.len(), "x", Applicability::Safe)];
        let out = converge("a", Applicability::Safe, &order, grow);
        assert!(!out.converged);
        assert_eq!(out.rounds, MAX_ROUNDS);
        // Two fixes undoing each other are a cycle, stopped early.
        let flip = |t: &str| {
            let r = if t == "a" { "b" } else { "a" };
            vec![diag("r", 0, 1, r, Applicability::Safe)]
        };
        let out = converge("a", Applicability::Safe, &order, flip);
        assert!(!out.converged);
        assert_eq!(out.rounds, 2);
        // A deferred fix is applied in the next round.
        let two = |t: &str| {
            if t.starts_with("aaa") {
                vec![
                    diag("r", 0, 3, "X", Applicability::Safe),
                    diag("r", 3, 4, "-", Applicability::Safe),
                ]
            } else if t.starts_with("X ") {
                vec![diag("r", 1, 2, "-", Applicability::Safe)]
            } else {
                vec![]
            }
        };
        let out = converge("aaa b", Applicability::Safe, &order, two);
        assert!(out.converged);
        assert_eq!((out.text.as_str(), out.rounds), ("X-b", 2));
    }
}
