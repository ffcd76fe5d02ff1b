//! The `terms` shape: phrases and regexes with guards that are data, not code.
//!
//! Phrases from every rule (and the glossary's forms) share ONE aho-corasick automaton built by
//! the engine; this module holds what happens after a raw hit: word boundaries, case, guards.

use super::TermDef;
use crate::diagnostic::{Applicability, Severity, Span};
use crate::document::Document;

/// A term entry with its guards normalised for matching.
#[derive(Debug, Clone)]
pub struct CompiledTerm {
    pub reason: Option<String>,
    pub suggestion: Option<String>,
    pub replacement: Option<String>,
    pub applicability: Applicability,
    pub severity: Option<Severity>,
    unless_followed_by: Vec<String>,
    unless_preceded_by: Vec<String>,
    sentence_has: Vec<String>,
    sentence_lacks: Vec<String>,
    fix_when_followed_by: Vec<String>,
}

impl CompiledTerm {
    pub fn new(def: &TermDef) -> Self {
        let lower = |v: &Vec<String>| {
            v.iter()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        };
        CompiledTerm {
            reason: def.reason.clone(),
            suggestion: def.suggestion.clone(),
            replacement: def.replacement.clone(),
            applicability: def.applicability.unwrap_or(Applicability::Unsafe),
            severity: def.severity,
            unless_followed_by: lower(&def.unless_followed_by),
            unless_preceded_by: lower(&def.unless_preceded_by),
            sentence_has: lower(&def.sentence_has),
            sentence_lacks: lower(&def.sentence_lacks),
            fix_when_followed_by: lower(&def.fix_when_followed_by),
        }
    }

    /// May this hit carry the term's replacement? (`fix_when_followed_by`; true when empty.)
    pub fn fix_applies(&self, doc: &Document, span: Span) -> bool {
        if self.fix_when_followed_by.is_empty() {
            return true;
        }
        let after = window_after(&doc.masked, span.end, 48).trim_start().to_lowercase();
        self.fix_when_followed_by.iter().any(|w| {
            if w.chars().next_back().is_some_and(is_word_char) {
                starts_with_word(&after, w)
            } else {
                after.starts_with(w.as_str())
            }
        })
    }

    /// Do the guards let this hit through?
    pub fn passes(&self, doc: &Document, span: Span) -> bool {
        let text = &doc.masked;
        if !self.unless_followed_by.is_empty() {
            let after = window_after(text, span.end, 48).trim_start().to_lowercase();
            if self.unless_followed_by.iter().any(|w| starts_with_word(&after, w)) {
                return false;
            }
        }
        if !self.unless_preceded_by.is_empty() {
            let before = window_before(text, span.start, 48).trim_end().to_lowercase();
            if self.unless_preceded_by.iter().any(|w| ends_with_word(&before, w)) {
                return false;
            }
        }
        if !self.sentence_has.is_empty() || !self.sentence_lacks.is_empty() {
            let sentence = match doc.sentence_at(span.start) {
                Some(i) => {
                    let s = doc.sentences()[i];
                    text[s.start..s.end].to_lowercase()
                }
                None => String::new(),
            };
            if !self.sentence_has.is_empty() && !self.sentence_has.iter().any(|w| contains_word(&sentence, w)) {
                return false;
            }
            if self.sentence_lacks.iter().any(|w| contains_word(&sentence, w)) {
                return false;
            }
        }
        true
    }
}

/// Is the character before `start` and the one at `end` outside a word?
pub fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Is `span` inside a pair of double quotes on its line ("…" or “…”)? Quoted text in a reply is
/// usually an error message, a UI label or the customer's own words.
pub fn is_quoted(text: &str, span: Span) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
    let before = &text[line_start..span.start];
    let after = &text[span.end..line_end];
    let straight = before.matches('"').count();
    if straight % 2 == 1 && after.contains('"') {
        return true;
    }
    let open = before.matches('“').count();
    let close = before.matches('”').count();
    open > close && after.contains('”')
}

fn window_after(text: &str, at: usize, len: usize) -> &str {
    let mut end = (at + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[at..end]
}

fn window_before(text: &str, at: usize, len: usize) -> &str {
    let mut start = at.saturating_sub(len);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..at]
}

fn starts_with_word(hay: &str, word: &str) -> bool {
    hay.starts_with(word) && !hay[word.len()..].chars().next().is_some_and(is_word_char)
}

fn ends_with_word(hay: &str, word: &str) -> bool {
    hay.ends_with(word)
        && !hay[..hay.len() - word.len()]
            .chars()
            .next_back()
            .is_some_and(is_word_char)
}

/// Whole-word (or whole-phrase) containment; `hay` and `word` are lowercase.
pub fn contains_word(hay: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(word) {
        let s = from + i;
        let e = s + word.len();
        if at_word_boundaries(hay, s, e) {
            return true;
        }
        from = s + hay[s..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_detection() {
        let t = r#"The error says "user error detected" today"#;
        let s = t.find("user error").unwrap();
        assert!(is_quoted(t, Span::new(s, s + 10)));
        let t = "It was user error, sadly. \"Quote\" later";
        let s = t.find("user error").unwrap();
        assert!(!is_quoted(t, Span::new(s, s + 10)));
    }

    #[test]
    fn word_helpers() {
        assert!(contains_word("did you restart it", "you"));
        assert!(!contains_word("your device", "you"));
        assert!(starts_with_word("received an email", "received"));
        assert!(!starts_with_word("receivedx", "received"));
        assert!(ends_with_word("and i", "i"));
        assert!(at_word_boundaries("a DNS.", 2, 5));
        assert!(!at_word_boundaries("DNSs", 0, 3));
    }
}
