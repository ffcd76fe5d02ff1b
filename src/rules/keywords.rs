//! Keyword presence: which owners (pattern entries) have one of their literal keywords anywhere
//! in a text, ASCII-case-insensitively. The `pattern` shape runs an entry's regexes only when one
//! of its keywords occurs.
//!
//! Keywords of one byte (`[`, `<`, `%`, `-`) are looked for with `memchr`, one byte at a time,
//! and the longer ones with one aho-corasick automaton: mixed together, a one-byte keyword makes
//! the automaton's prefilter fire at every occurrence of a common byte and the search crawls
//! byte by byte. The search stops as soon as every owner has been seen.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, BuildError, MatchKind};

#[derive(Debug)]
pub struct KeywordSet {
    /// One-byte keywords (lowercase), with their owners.
    bytes: Vec<(u8, Vec<usize>)>,
    /// Longer keywords (distinct, lowercase) and, per pattern, its owners.
    longer: Option<(AhoCorasick, Vec<Vec<usize>>)>,
    owners: usize,
}

impl KeywordSet {
    /// `keywords`: (keyword, owner) pairs; owners are `0..owners`. Empty keywords are ignored
    /// (the caller decides what an owner without keywords means).
    pub fn new<'a>(keywords: impl IntoIterator<Item = (&'a str, usize)>, owners: usize) -> Result<Self, BuildError> {
        let mut bytes: Vec<(u8, Vec<usize>)> = Vec::new();
        let mut longer: Vec<(String, Vec<usize>)> = Vec::new();
        for (k, owner) in keywords {
            let k = k.to_ascii_lowercase();
            if k.len() == 1 {
                let b = k.as_bytes()[0];
                match bytes.iter_mut().find(|(x, _)| *x == b) {
                    Some((_, o)) => o.push(owner),
                    None => bytes.push((b, vec![owner])),
                }
            } else if !k.is_empty() {
                match longer.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, o)) => o.push(owner),
                    None => longer.push((k, vec![owner])),
                }
            }
        }
        let longer = if longer.is_empty() {
            None
        } else {
            let ac = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(longer.iter().map(|(k, _)| k))?;
            Some((ac, longer.into_iter().map(|(_, o)| o).collect()))
        };
        Ok(KeywordSet { bytes, longer, owners })
    }

    /// Mark in `present` (one flag per owner) the owners with a keyword in `text`; `left` counts
    /// the owners not yet present, and the search stops when it reaches 0. Call it on successive
    /// pieces of a text with the same `present` and `left`.
    pub fn mark(&self, text: &str, present: &mut [bool], left: &mut usize) {
        debug_assert_eq!(present.len(), self.owners);
        let see = |owners: &[usize], present: &mut [bool], left: &mut usize| {
            for &o in owners {
                if !present[o] {
                    present[o] = true;
                    *left -= 1;
                }
            }
        };
        for (b, owners) in &self.bytes {
            if *left == 0 {
                return;
            }
            if owners.iter().all(|&o| present[o]) {
                continue;
            }
            let found = if b.is_ascii_alphabetic() {
                memchr::memchr2(*b, b.to_ascii_uppercase(), text.as_bytes()).is_some()
            } else {
                memchr::memchr(*b, text.as_bytes()).is_some()
            };
            if found {
                see(owners, present, left);
            }
        }
        if let Some((ac, owners)) = &self.longer {
            if *left == 0 || owners.iter().flatten().all(|&o| present[o]) {
                return;
            }
            for m in ac.find_overlapping_iter(text) {
                see(&owners[m.pattern().as_usize()], present, left);
                if *left == 0 {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(keywords: &[(&str, usize)], owners: usize, text: &str) -> Vec<bool> {
        let set = KeywordSet::new(keywords.iter().copied(), owners).unwrap();
        let mut present = vec![false; owners];
        let mut left = owners;
        set.mark(text, &mut present, &mut left);
        assert_eq!(left, present.iter().filter(|p| !**p).count());
        present
    }

    #[test]
    fn one_byte_and_longer_keywords_case_insensitively() {
        let kw = [("[", 0), ("todo", 1), ("x", 2), ("key", 3), ("-", 4)];
        assert_eq!(present(&kw, 5, "A TODO: see X"), [false, true, true, false, false]);
        assert_eq!(
            present(&kw, 5, "[Name] the Keyboard-"),
            [true, false, false, true, true]
        );
        assert_eq!(present(&kw, 5, ""), [false; 5]);
    }

    #[test]
    fn overlapping_keywords_of_different_owners_are_all_seen() {
        // "sk-" inside "task-", "ask" overlapping it: every owner with an occurrence counts.
        let kw = [("task", 0), ("sk-", 1), ("k-1", 2), ("ask", 3)];
        assert_eq!(present(&kw, 4, "the task-1 list"), [true, true, true, true]);
    }

    #[test]
    fn a_keyword_shared_by_owners_marks_them_all() {
        let kw = [("just", 0), ("just", 1), ("[", 2), ("[", 3), ("simply", 1)];
        assert_eq!(present(&kw, 4, "Just do it ["), [true, true, true, true]);
    }

    #[test]
    fn pieces_share_the_flags() {
        let set = KeywordSet::new([("abc", 0), ("%", 1)], 2).unwrap();
        let mut p = vec![false; 2];
        let mut left = 2;
        set.mark("xx abc", &mut p, &mut left);
        set.mark("50%", &mut p, &mut left);
        assert_eq!((p, left), (vec![true, true], 0));
    }
}
