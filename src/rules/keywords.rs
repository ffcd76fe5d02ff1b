//! Keyword presence for the `pattern` shape: which entries have one of their literal keywords
//! anywhere in a document, ASCII-case-insensitively? An entry runs its regexes only then.
//!
//! The engine asks once per document for every entry of every rule, over the original text (a
//! keyword in the prose is there too; an entry that scans the prose may run for a keyword that
//! only occurs in code, and its regex decides). The longer keywords are one ASCII
//! case-insensitive aho-corasick automaton, walked byte by byte by [`each_occurrence`] (its own
//! loop over the automaton's transitions: the crate's overlapping search, which returns each
//! match from a resumable state, cost about 18 instructions a byte here). Keywords of one byte
//! (`[`, `<`, `%`, `-`) are found with `memchr` instead. A keyword with a newline in it makes its
//! entry always run (the engine's other passes work on pieces cut at newlines; this keeps the
//! same rule). The search stops once every entry has been seen.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, BuildError, MatchKind};

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
    longer: Option<(Longer, Vec<Vec<usize>>)>,
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
            let keys = longer.iter().map(|(k, _)| k);
            // A DFA searches fastest but costs 3M instructions to build: for a draft (no
            // prefilters, see `require::set_prefilters`) the contiguous NFA. No prefilter: the
            // walk looks at every byte anyway.
            let automaton = if super::require::prefilters() {
                Longer::Dfa(
                    aho_corasick::dfa::Builder::new()
                        .match_kind(MatchKind::Standard)
                        .ascii_case_insensitive(true)
                        .prefilter(false)
                        .build(keys)?,
                )
            } else {
                // Case-sensitive, searched over a lowercased copy: ASCII case-insensitive, its
                // build cost a 2 KB draft 2.6% more instructions.
                Longer::Nfa(
                    aho_corasick::nfa::contiguous::Builder::new()
                        .match_kind(MatchKind::Standard)
                        .prefilter(false)
                        .build(keys)?,
                )
            };
            Some((automaton, longer.into_iter().map(|(_, o)| o).collect::<Vec<_>>()))
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
            self.mark(text.as_bytes(), &mut present, &mut left);
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
        let bytes = text.as_bytes();
        for (b, owners) in &self.bytes {
            if owners.iter().any(|&o| at[o].is_some()) {
                for k in byte_positions(*b, bytes) {
                    note(owners, k, k + 1, &mut present, &mut at);
                }
            } else if byte_positions(*b, bytes).next().is_some() {
                owners.iter().for_each(|&o| present[o] = true);
            }
        }
        if let Some((automaton, owners)) = &self.longer {
            automaton.each_occurrence(bytes, |pattern, start, end| {
                note(&owners[pattern], start, end, &mut present, &mut at);
                true
            });
        }
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
            if !owners.iter().all(|&o| present[o]) && byte_positions(*b, text).next().is_some() {
                see(owners, present, left);
            }
        }
        if let Some((automaton, owners)) = &self.longer {
            if *left == 0 || owners.iter().flatten().all(|&o| present[o]) {
                return;
            }
            automaton.each_occurrence(text, |pattern, _, _| {
                see(&owners[pattern], present, left);
                *left > 0
            });
        }
    }
}

/// Where the one-byte keyword `b` (lowercase) occurs in `text`, ASCII case-insensitively.
fn byte_positions(b: u8, text: &[u8]) -> BytePositions<'_> {
    if b.is_ascii_lowercase() {
        BytePositions::Letter(memchr::memchr2_iter(b, b.to_ascii_uppercase(), text))
    } else {
        // `memchr2` for one byte measured 4.5M instructions more on the bench corpus.
        BytePositions::Other(memchr::memchr_iter(b, text))
    }
}

enum BytePositions<'a> {
    Letter(memchr::Memchr2<'a>),
    Other(memchr::Memchr<'a>),
}

impl Iterator for BytePositions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            BytePositions::Letter(i) => i.next(),
            BytePositions::Other(i) => i.next(),
        }
    }
}

/// The automaton of the longer keywords (lowercase).
#[derive(Debug)]
enum Longer {
    /// ASCII case-insensitive (for runs built with prefilters: large inputs).
    Dfa(aho_corasick::dfa::DFA),
    /// Case-sensitive, cheaper to build (a draft): searched over a lowercased copy.
    Nfa(aho_corasick::nfa::contiguous::NFA),
}

impl Longer {
    /// Calls `f(pattern, start, end)` for every occurrence of every pattern in `text`, ASCII
    /// case-insensitively, overlapping ones included, in no set order, until `f` returns false.
    fn each_occurrence(&self, text: &[u8], f: impl FnMut(usize, usize, usize) -> bool) {
        match self {
            Longer::Dfa(a) => each_occurrence(a, text, f),
            Longer::Nfa(a) => each_occurrence(a, &text.to_ascii_lowercase(), f),
        }
    }
}

/// How many parts of a text [`each_occurrence`] walks side by side.
const STREAMS: usize = 4;
// `lockstep` zips exactly four parts.
const _: () = assert!(STREAMS == 4);

/// [`Longer::each_occurrence`] on one automaton (unanchored, `MatchKind::Standard`, no
/// prefilter, no empty pattern): one transition a byte, and at a match state every pattern
/// that ends there.
///
/// A walk is a chain of dependent table loads (the next state needs the last), which left a
/// core waiting on memory: 2 ns a byte whatever the instruction count. So the text is cut in
/// [`STREAMS`] parts, walked in lockstep from their own start states (about 2.6x faster on the
/// 10 MB bench file, in a separate benchmark). A part's walk begins `max_pattern_len - 1`
/// bytes before the part, and it reports only the occurrences that end inside the part:
/// an occurrence ending there starts at most that many bytes before, where the walk already
/// is, so the state holds it; and each end belongs to one part, so nothing is reported twice.
/// The calls to `f` are therefore not in order of end.
fn each_occurrence<A: Automaton>(aut: &A, text: &[u8], mut f: impl FnMut(usize, usize, usize) -> bool) {
    let Ok(start) = aut.start_state(Anchored::No) else {
        return;
    };
    // At a special state `sid` reached at `end`: report its patterns when `end` lies after
    // `lo`; false when `f` asks to stop.
    let mut report = |sid: StateID, end: usize, lo: usize| -> bool {
        if end > lo && aut.is_match(sid) {
            for k in 0..aut.match_len(sid) {
                let pattern = aut.match_pattern(sid, k);
                if !f(pattern.as_usize(), end - aut.pattern_len(pattern), end) {
                    return false;
                }
            }
        }
        true
    };
    let overlap = aut.max_pattern_len().saturating_sub(1);
    let part = text.len() / STREAMS;
    let streams = if part >= (4 * overlap).max(64) { STREAMS } else { 1 };
    // Per stream: the next byte, where its part begins and ends, its state.
    let (mut at, mut lo, mut hi, mut sid) = ([0; STREAMS], [0; STREAMS], [0; STREAMS], [start; STREAMS]);
    for k in 0..streams {
        lo[k] = k * part;
        hi[k] = if k + 1 == streams { text.len() } else { (k + 1) * part };
        at[k] = lo[k].saturating_sub(overlap);
    }
    if streams == STREAMS {
        loop {
            let steps = (0..STREAMS).map(|k| hi[k] - at[k]).min().unwrap_or(0);
            if steps == 0 {
                break;
            }
            if lockstep(aut, text, &mut at, &mut sid, steps) {
                for k in 0..STREAMS {
                    if aut.is_special(sid[k]) && !report(sid[k], at[k], lo[k]) {
                        return;
                    }
                }
            }
        }
    }
    // The rest of each part alone (all of the text when it is walked as one part).
    for k in 0..streams {
        let (mut a, mut s) = (at[k], sid[k]);
        while a < hi[k] {
            (a, s) = to_special(aut, &text[..hi[k]], a, s);
            if aut.is_special(s) && !report(s, a, lo[k]) {
                return;
            }
        }
    }
}

/// Every stream one byte further, `steps` times, or until a step after which a stream is in a
/// special state (then true). Not inlined, so that the streams' states stay in registers.
#[inline(never)]
fn lockstep<A: Automaton>(
    aut: &A,
    text: &[u8],
    at: &mut [usize; STREAMS],
    sid: &mut [StateID; STREAMS],
    steps: usize,
) -> bool {
    // The four parts' next `steps` bytes, zipped: one count for all and no bounds checks (an
    // index per stream cost four more instructions a byte).
    let part = |k: usize| &text[at[k]..at[k] + steps];
    let mut s = *sid;
    let mut taken = 0;
    let mut special = false;
    for (((&b0, &b1), &b2), &b3) in part(0).iter().zip(part(1)).zip(part(2)).zip(part(3)) {
        s[0] = aut.next_state(Anchored::No, s[0], b0);
        s[1] = aut.next_state(Anchored::No, s[1], b1);
        s[2] = aut.next_state(Anchored::No, s[2], b2);
        s[3] = aut.next_state(Anchored::No, s[3], b3);
        taken += 1;
        if s.iter().any(|&x| aut.is_special(x)) {
            special = true;
            break;
        }
    }
    for a in at.iter_mut() {
        *a += taken;
    }
    *sid = s;
    special
}

/// From state `sid` before `text[from]`, the transitions up to the first special state (a
/// match): where it is reached (the end of the byte that led to it) and the state; or the end
/// of the text and the state there. Not inlined: in the caller, with the reporting around it,
/// the loop's state lived on the stack and a byte cost about 20 instructions.
#[inline(never)]
fn to_special<A: Automaton>(aut: &A, text: &[u8], from: usize, mut sid: StateID) -> (usize, StateID) {
    for (i, &b) in text[from..].iter().enumerate() {
        sid = aut.next_state(Anchored::No, sid, b);
        if aut.is_special(sid) {
            return (from + i + 1, sid);
        }
    }
    (text.len(), sid)
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

    /// Every occurrence of every keyword, by the definition: (keyword, start, end), sorted.
    fn naive(keywords: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let lower = text.to_ascii_lowercase();
        let mut out = Vec::new();
        for (p, k) in keywords.iter().enumerate() {
            for s in 0..lower.len() {
                if lower.as_bytes()[s..].starts_with(k.as_bytes()) {
                    out.push((p, s, s + k.len()));
                }
            }
        }
        out.sort_unstable();
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1024, ..Default::default() })]

        /// Both automata, walked by `each_occurrence`, find every occurrence (overlapping,
        /// ASCII case-insensitive, inside multi-byte text) and nothing else.
        #[test]
        fn each_occurrence_finds_what_a_naive_search_finds(
            keywords in proptest::collection::btree_set("[abé-]{2,4}", 1..6),
            text in proptest::prop_oneof!["[aAbBé -]{0,60}", "[aAbBé -]{250,700}"],
        ) {
            let keywords: Vec<String> = keywords.into_iter().collect();
            let dfa = Longer::Dfa(
                aho_corasick::dfa::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .prefilter(false)
                    .build(&keywords)
                    .unwrap(),
            );
            let nfa = Longer::Nfa(
                aho_corasick::nfa::contiguous::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(&keywords)
                    .unwrap(),
            );
            let want = naive(&keywords, &text);
            for automaton in [dfa, nfa] {
                let mut got = Vec::new();
                automaton.each_occurrence(text.as_bytes(), |p, s, e| {
                    got.push((p, s, e));
                    true
                });
                got.sort_unstable();
                proptest::prop_assert_eq!(&got, &want, "{:?} in {:?}", keywords, text);
            }
        }
    }

    #[test]
    fn the_walk_stops_when_asked() {
        let set = KeywordSet::new([("ab", 0), ("ba", 1)], 2).unwrap();
        let Some((automaton, _)) = &set.longer else {
            panic!("two longer keywords")
        };
        let mut seen = 0;
        automaton.each_occurrence(b"abababab", |_, _, _| {
            seen += 1;
            seen < 3
        });
        assert_eq!(seen, 3);
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
