//! The `terms` shape: phrases and regexes with guards that are data, not code.
//!
//! Phrases from every rule (and the glossary's forms) share ONE aho-corasick automaton built by
//! the engine; this module holds what happens after a raw hit: word boundaries, case, guards.

use super::TermDef;
use crate::diagnostic::{Applicability, Severity, Span};
use crate::document::Document;

/// How far around a hit `sentence_has` / `sentence_lacks` look within its sentence, in bytes.
pub const SENTENCE_WINDOW: usize = 1024;

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
                    // At most SENTENCE_WINDOW bytes either side of the hit: a "sentence" of
                    // megabytes (no punctuation) would otherwise be copied for every hit in it.
                    let s = doc.sentences()[i];
                    let mut from = s.start.max(span.start.saturating_sub(SENTENCE_WINDOW));
                    while !text.is_char_boundary(from) {
                        from += 1;
                    }
                    let mut to = s.end.min(span.end + SENTENCE_WINDOW).max(from);
                    while !text.is_char_boundary(to) {
                        to -= 1;
                    }
                    text[from..to.max(from)].to_lowercase()
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
    // ASCII neighbours (nearly all) by table; others decoded. The scan asks this of each of
    // its hits: decoding both characters cost 62 instructions a hit (21M on the bench corpus).
    let bytes = text.as_bytes();
    let word_before = match start.checked_sub(1).map(|i| bytes[i]) {
        None => false,
        Some(b) if b < 0x80 => ASCII_WORD[b as usize],
        Some(_) => text[..start].chars().next_back().is_some_and(is_word_char),
    };
    if word_before {
        return false;
    }
    match bytes.get(end) {
        None => true,
        Some(&b) if b < 0x80 => !ASCII_WORD[b as usize],
        Some(_) => !text[end..].chars().next().is_some_and(is_word_char),
    }
}

/// [`is_word_char`] of each ASCII byte.
static ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'_';
        b += 1;
    }
    t
};

pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Is `span` inside a pair of double quotes on its line ("…" or “…”)? Quoted text in a reply is
/// usually an error message, a UI label or the customer's own words.
/// This reads the whole line: for many spans of one text use [`QuoteTracker`].
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

/// [`is_quoted`] for many spans of one text. Asked in order of position (as the engine judges
/// candidates), it reads each byte of the text a bounded number of times, however long the
/// lines: asking each span separately would rescan its line every time, which is quadratic on
/// a 50 MB file without a newline. Spans asked out of order are still answered correctly.
#[derive(Debug)]
pub struct QuoteTracker<'a> {
    text: &'a str,
    /// Counting has reached this offset...
    at: usize,
    /// ...with these counts since the start of its line: `"`, `“`, `”`.
    straight: usize,
    open: usize,
    close: usize,
    /// The first `"` or newline at or after offset `.0` is at `.1` (`None`: neither).
    next_straight: Option<(usize, Option<usize>)>,
    /// The first `”` or newline at or after offset `.0` is at `.1`.
    next_close: Option<(usize, Option<usize>)>,
}

impl<'a> QuoteTracker<'a> {
    pub fn new(text: &'a str) -> Self {
        QuoteTracker {
            text,
            at: 0,
            straight: 0,
            open: 0,
            close: 0,
            next_straight: None,
            next_close: None,
        }
    }

    pub fn is_quoted(&mut self, span: Span) -> bool {
        if span.start < self.at {
            // Out of order: start over at the beginning of the span's line.
            self.at = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            (self.straight, self.open, self.close) = (0, 0, 0);
        }
        let bytes = self.text.as_bytes();
        // Only the text after the last newline counts: find it from the end (memrchr), then
        // count the quotes byte by byte (`“` and `”` are E2 80 9C and E2 80 9D in UTF-8).
        let mut seg = &bytes[self.at..span.start];
        if let Some(nl) = memchr::memrchr(b'\n', seg) {
            (self.straight, self.open, self.close) = (0, 0, 0);
            seg = &seg[nl + 1..];
        }
        for (i, &b) in seg.iter().enumerate() {
            match b {
                b'"' => self.straight += 1,
                0xE2 if seg.get(i + 1) == Some(&0x80) => match seg.get(i + 2) {
                    Some(0x9C) => self.open += 1,
                    Some(0x9D) => self.close += 1,
                    _ => {}
                },
                _ => {}
            }
        }
        self.at = span.start;
        if self.straight % 2 == 1 {
            let next = cached_next(&mut self.next_straight, span.end, |from| {
                memchr::memchr2(b'"', b'\n', &bytes[from..]).map(|i| from + i)
            });
            if next.is_some_and(|i| bytes[i] == b'"') {
                return true;
            }
        }
        if self.open > self.close {
            let next = cached_next(&mut self.next_close, span.end, |from| {
                let mut from = from;
                // `”` is E2 80 9D in UTF-8.
                while let Some(i) = memchr::memchr2(0xE2, b'\n', &bytes[from..]) {
                    let i = from + i;
                    if bytes[i] == b'\n' || bytes[i..].starts_with("”".as_bytes()) {
                        return Some(i);
                    }
                    from = i + 1;
                }
                None
            });
            return next.is_some_and(|i| bytes[i] != b'\n');
        }
        false
    }
}

/// The answer of `find(from)`, reusing the last answer when it still holds: nothing searched
/// for lies between the last search's start and its result, so for any `from` in that range
/// the result is the same.
fn cached_next(
    cache: &mut Option<(usize, Option<usize>)>,
    from: usize,
    find: impl FnOnce(usize) -> Option<usize>,
) -> Option<usize> {
    if let Some((start, found)) = *cache
        && start <= from
        && found.is_none_or(|f| from <= f)
    {
        return found;
    }
    let found = find(from);
    *cache = Some((from, found));
    found
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
    fn quote_tracker_agrees_with_one_by_one_answers() {
        let t = "a \"b c\" d “e f” g\nh \"i\n j\" k “l m ”n \"o\" p";
        let words: Vec<Span> = t
            .split(|c: char| c.is_whitespace())
            .scan(0, |at, w| {
                let s = t[*at..].find(w).unwrap() + *at;
                *at = s + w.len();
                Some(Span::new(s, s + w.len()))
            })
            .filter(|s| !s.is_empty())
            .collect();
        let one_by_one: Vec<bool> = words.iter().map(|&s| is_quoted(t, s)).collect();
        let mut tracker = QuoteTracker::new(t);
        let tracked: Vec<bool> = words.iter().map(|&s| tracker.is_quoted(s)).collect();
        assert_eq!(tracked, one_by_one);
        // Asked backwards, the answers are the same.
        let mut tracker = QuoteTracker::new(t);
        let mut back: Vec<bool> = words.iter().rev().map(|&s| tracker.is_quoted(s)).collect();
        back.reverse();
        assert_eq!(back, one_by_one);
        assert!(one_by_one.iter().any(|&q| q) && one_by_one.iter().any(|&q| !q));
    }

    proptest::proptest! {
        /// The tracker's byte counting (quotes after the last newline, curly quotes as their
        /// UTF-8 bytes) answers as reading each span's line does, in order and out of order.
        #[test]
        fn quote_tracker_agrees_on_any_text(
            t in "[a \"“”\n é]{0,40}",
            picks in proptest::collection::vec((0usize..64, 0usize..8), 0..12),
        ) {
            let bounds: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
            let spans: Vec<Span> = picks
                .iter()
                .map(|&(a, n)| {
                    let s = bounds[a % bounds.len()];
                    let e = bounds[(a % bounds.len() + n).min(bounds.len() - 1)];
                    Span::new(s, e)
                })
                .collect();
            let mut tracker = QuoteTracker::new(&t);
            for &span in &spans {
                proptest::prop_assert_eq!(tracker.is_quoted(span), is_quoted(&t, span), "{:?} {:?}", t, span);
            }
        }

        /// The table for ASCII neighbours answers as decoding both characters does.
        #[test]
        fn word_boundaries_agree_with_the_characters(
            t in "[a_0 .é€中\u{300}-]{0,12}",
            a in 0usize..16,
            n in 0usize..6,
        ) {
            let bounds: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
            let s = bounds[a % bounds.len()];
            let e = bounds[(a % bounds.len() + n).min(bounds.len() - 1)];
            let before = t[..s].chars().next_back();
            let after = t[e..].chars().next();
            let reference = !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char);
            proptest::prop_assert_eq!(at_word_boundaries(&t, s, e), reference, "{:?} {}..{}", t, s, e);
        }
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
