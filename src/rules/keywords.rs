//! Keyword presence for the `pattern` shape: which entries have one of their literal keywords
//! anywhere in a document, ASCII-case-insensitively? An entry runs its regexes only then.
//!
//! The engine asks once per document for every entry of every rule, over the original text (a
//! keyword in the prose is there too; an entry that scans the prose may run for a keyword that
//! only occurs in code, and its regex decides). The text is lowercased piece by piece
//! ([`super::lowercase_pieces`]), so the automaton is case-sensitive and its prefilter sharp. Keywords of one
//! byte (`[`, `<`, `%`, `-`) are found with `memchr` instead: in the automaton they would make
//! the prefilter fire at every occurrence of a common byte. A keyword with a newline in it could
//! straddle a cut, so its entry always runs. The search stops once every entry has been seen.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, BuildError, MatchKind};

/// What [`KeywordSet::locate`] found.
#[derive(Debug, Default)]
pub struct Located {
    /// Per owner: does one of its keywords occur?
    pub present: Vec<bool>,
    /// Per owner asked for them: where its keywords occur.
    pub at: Vec<Option<Vec<(u32, u32)>>>,
}

#[derive(Debug)]
pub struct KeywordSet {
    /// One-byte keywords (lowercase), with their owners.
    bytes: Vec<(u8, Vec<usize>)>,
    /// Longer keywords (distinct, lowercase) in one automaton, with, per pattern, its owners.
    longer: Option<(AhoCorasick, Vec<Vec<usize>>)>,
    /// Owners that always run (a keyword with a newline).
    always: Vec<usize>,
    owners: usize,
    /// Owners with at least one keyword (the search stops when all are present).
    tracked: usize,
}

impl KeywordSet {
    /// `keywords`: (keyword, owner) pairs; owners are `0..owners`. Empty keywords are ignored:
    /// an owner without keywords is never marked present (the caller runs it anyway).
    pub fn new<'a>(keywords: impl IntoIterator<Item = (&'a str, usize)>, owners: usize) -> Result<Self, BuildError> {
        let mut bytes: Vec<(u8, Vec<usize>)> = Vec::new();
        let mut longer: Vec<(String, Vec<usize>)> = Vec::new();
        let mut always = Vec::new();
        for (k, owner) in keywords {
            let k = k.to_ascii_lowercase();
            if k.contains('\n') {
                always.push(owner);
            } else if k.len() == 1 {
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
        // One automaton for all. (Split into groups of up to 64 patterns, what its Teddy
        // prefilter takes, it measured slower: 131M instead of 44M instructions on a corpus sample.)
        let longer = if longer.is_empty() {
            None
        } else {
            // A DFA searches fastest but costs 3M instructions to build: for a draft (no
            // prefilters, see `require::set_prefilters`) the contiguous NFA.
            let kind = if super::require::prefilters() {
                AhoCorasickKind::DFA
            } else {
                AhoCorasickKind::ContiguousNFA
            };
            let ac = AhoCorasickBuilder::new()
                .kind(Some(kind))
                .match_kind(MatchKind::Standard)
                .build(longer.iter().map(|(k, _)| k))?;
            Some((ac, longer.into_iter().map(|(_, o)| o).collect::<Vec<_>>()))
        };
        let mut has = vec![false; owners];
        for &o in bytes.iter().flat_map(|(_, o)| o) {
            has[o] = true;
        }
        for &o in longer.iter().flat_map(|(_, o)| o.iter().flatten()).chain(&always) {
            has[o] = true;
        }
        let tracked = has.iter().filter(|h| **h).count();
        Ok(KeywordSet {
            bytes,
            longer,
            always,
            owners,
            tracked,
        })
    }

    /// The number of owners (`0..owners`).
    pub fn owners(&self) -> usize {
        self.owners
    }

    /// Per owner: does one of its keywords occur in `text`?
    pub fn present(&self, text: &str) -> Vec<bool> {
        let mut present = vec![false; self.owners];
        let mut left = self.tracked;
        see(&self.always, &mut present, &mut left);
        if left > 0 {
            super::lowercase_pieces(text, |_, lower| {
                self.mark(lower.as_bytes(), &mut present, &mut left);
                left > 0
            });
        }
        present
    }

    /// [`KeywordSet::present`], and for each owner in `locate`, every occurrence of its
    /// keywords, `(start, end)` in `text`, overlapping ones included, in order of start: `None`
    /// for an owner not asked, or whose keywords occur more than once per 512 bytes on average
    /// (then the windows around them would cover most lines anyway; the cap also bounds the
    /// memory, 8 bytes an occurrence), or when `text` is 4 GiB or more.
    pub fn locate(&self, text: &str, locate: &[bool]) -> Located {
        if !locate.iter().any(|&l| l) || u32::try_from(text.len()).is_err() {
            let present = self.present(text);
            let at = vec![None; present.len()];
            return Located { present, at };
        }
        let cap = text.len() / 512 + 16;
        let mut present = vec![false; self.owners];
        let mut at: Vec<Option<Vec<(u32, u32)>>> = (0..self.owners)
            .map(|o| locate.get(o).copied().unwrap_or(false).then(Vec::new))
            .collect();
        let mut left = self.tracked;
        see(&self.always, &mut present, &mut left);
        for &o in &self.always {
            at[o] = None;
        }
        let note = |owners: &[usize], s: usize, e: usize, present: &mut [bool], at: &mut [Option<Vec<(u32, u32)>>]| {
            for &o in owners {
                present[o] = true;
                if let Some(v) = &mut at[o] {
                    if v.len() >= cap {
                        at[o] = None;
                    } else {
                        // `text` is shorter than 4 GiB (checked above).
                        v.push((s as u32, e as u32));
                    }
                }
            }
        };
        super::lowercase_pieces(text, |base, lower| {
            let bytes = lower.as_bytes();
            for (b, owners) in &self.bytes {
                if owners.iter().any(|&o| at[o].is_some()) {
                    for k in memchr::memchr_iter(*b, bytes) {
                        note(owners, base + k, base + k + 1, &mut present, &mut at);
                    }
                } else if memchr::memchr(*b, bytes).is_some() {
                    owners.iter().for_each(|&o| present[o] = true);
                }
            }
            if let Some((ac, owners)) = &self.longer {
                for m in ac.find_overlapping_iter(bytes) {
                    note(
                        &owners[m.pattern().as_usize()],
                        base + m.start(),
                        base + m.end(),
                        &mut present,
                        &mut at,
                    );
                }
            }
            true
        });
        for v in at.iter_mut().flatten() {
            v.sort_unstable();
        }
        Located { present, at }
    }

    fn mark(&self, text: &[u8], present: &mut [bool], left: &mut usize) {
        for (b, owners) in &self.bytes {
            if *left == 0 {
                return;
            }
            if !owners.iter().all(|&o| present[o]) && memchr::memchr(*b, text).is_some() {
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

fn see(owners: &[usize], present: &mut [bool], left: &mut usize) {
    for &o in owners {
        if !present[o] {
            present[o] = true;
            *left -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(keywords: &[(&str, usize)], owners: usize, text: &str) -> Vec<bool> {
        KeywordSet::new(keywords.iter().copied(), owners).unwrap().present(text)
    }

    #[test]
    fn one_byte_and_longer_keywords_case_insensitively() {
        let kw = [("[", 0), ("ToDo", 1), ("x", 2), ("key", 3), ("-", 4)];
        assert_eq!(present(&kw, 5, "A TODO: see X"), [false, true, true, false, false]);
        assert_eq!(
            present(&kw, 5, "[Name] the Keyboard-"),
            [true, false, false, true, true]
        );
        assert_eq!(present(&kw, 5, ""), [false; 5]);
    }

    #[test]
    fn absent_keywords_are_not_found() {
        let kw = [("-----begin", 0), ("sk-", 1), ("%", 2), ("{{", 3)];
        assert_eq!(present(&kw, 4, "----- begin sk_ SK_ { {"), [false; 4]);
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
        assert_eq!(present(&kw, 5, "Just do it ["), [true, true, true, true, false]);
    }

    #[test]
    fn keywords_inside_words_count() {
        // Any occurrence: "know" in "unknown" (the entry's regex decides what really matches).
        assert_eq!(present(&[("know", 0)], 1, "an unknown error"), [true]);
    }

    #[test]
    fn keywords_are_found_across_pieces_but_a_newline_keyword_always_counts() {
        let mut text = "a line\n".repeat(20_000);
        text.push_str("the Token is here\n");
        assert_eq!(present(&[("token", 0), ("%", 1)], 2, &text), [true, false]);
        assert_eq!(present(&[("a\nb", 0)], 1, "nothing"), [true]);
    }

    #[test]
    fn located_keywords_are_every_occurrence_in_order_for_the_owners_asked() {
        let set = KeywordSet::new([("just", 0), ("st", 0), ("[", 1), ("simply", 2)], 3).unwrap();
        let text = "Just [x] and JUST; simply";
        let found = set.locate(text, &[true, true, false]);
        assert_eq!(found.present, [true, true, true]);
        // Overlapping occurrences of one owner's keywords, ASCII case-insensitively.
        assert_eq!(found.at[0], Some(vec![(0, 4), (2, 4), (13, 17), (15, 17)]));
        assert_eq!(found.at[1], Some(vec![(5, 6)]));
        // Not asked: presence only.
        assert_eq!(found.at[2], None);
        // Asking for none is the presence pass.
        let found = set.locate(text, &[false; 3]);
        assert_eq!(found.present, set.present(text));
        assert!(found.at.iter().all(Option::is_none));
    }

    #[test]
    fn located_offsets_count_from_the_start_of_the_text_across_pieces() {
        let mut text = "filler line\n".repeat(10_000);
        let at = text.len();
        text.push_str("the Token\n");
        let set = KeywordSet::new([("token", 0)], 1).unwrap();
        let found = set.locate(&text, &[true]);
        assert_eq!(found.at[0], Some(vec![(at as u32 + 4, at as u32 + 9)]));
        assert_eq!(&text[at + 4..at + 9], "Token");
    }

    #[test]
    fn keywords_too_dense_to_narrow_the_search_are_not_located() {
        let set = KeywordSet::new([("-", 0), ("token", 1), ("a\nb", 2)], 3).unwrap();
        let text = "a-b-c-d-".repeat(100) + " token";
        let found = set.locate(&text, &[true, true, true]);
        assert_eq!(found.present, [true, true, true]);
        assert_eq!(found.at[0], None, "one `-` every 2 bytes");
        assert_eq!(found.at[1].as_ref().map(Vec::len), Some(1));
        // A keyword with a newline: its owner always runs, over the whole text.
        assert_eq!(found.at[2], None);
    }
}
