//! Word gates: for a term regex, a set of whole-word phrases at least one of which every match
//! holds, so that a document in which the engine's phrase scan found none of them is not
//! searched with the regex at all.
//!
//! The scan over a document's words happens anyway (see [`super::phrase_index`]); a gate's
//! phrases join it, and cost a table entry. A regex that must run over every document costs a
//! pass over the text: `blame-language`'s `\b(?:the|our|their|that) (?:\w+ )?(?:team|...)s?
//! (?:never|always|...) ...`, whose prefix literals (`the `, `that `) occur in every line of
//! prose, took 22.8 ms of a one-thread run over the bench corpus (a timer around each search, in
//! a throwaway build), the most of any regex. Its gate is 72 phrases, `team never`,
//! `vendors always`, ... (what its middle can be): the corpus has none of them.
//!
//! A gate is sound only if the scan reports every occurrence of its phrases that a match holds.
//! The scan reports a phrase where the character before it and the one after it are not word
//! characters, in Unicode's sense (`é` is one), while the regexes test `\b` in ASCII (see
//! [`super::classes::ascii_word_boundaries`]). So a `\b` proves nothing here; what does is a
//! literal ASCII non-word byte on each side, in every match. The gate is chosen from the
//! top-level sequence of the regex (its concatenation, in each branch of a top-level
//! alternation): a run of elements whose matches are a finite set of exact literals, each
//! beginning and ending with an ASCII word byte, with every match of what comes before ending in
//! an ASCII non-word byte and every match of what comes after beginning with one. Of the runs
//! that qualify, the one whose shortest phrase is longest (the rarest, as a rule) is taken,
//! then the one with fewer phrases.
//!
//! Case: the scan lowercases the text in ASCII, so what must hold a phrase is the ASCII-lowercased
//! copy of every match. Those copies are the matches of the regex's lower-case image: every
//! literal lowercased, every class mapped to its lower-case letters (in ASCII mode, case folding
//! turns each letter into a class of both cases, which maps to the one small letter, so `team`
//! gives one phrase, not 16; a class under `(?-i:...)`, `[XY]`, maps to `[xy]`). Literals are
//! extracted from that image.

use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange};
use regex_syntax::hir::{Hir, HirKind, Repetition};

/// At most this many phrases in one gate (more is a regex the scan would pay for).
const MAX_PHRASES: usize = 256;

/// The gate of `pattern` compiled as a pack pattern ([`parse_as_compiled`]), its phrases
/// ASCII-lowercased, or `None` when no run of it qualifies (see the module's text). The built-in
/// packs' gates are derived at build time (`build.rs` includes this file); see
/// `require::term_gate`.
pub fn word_gate(pattern: &str, case_insensitive: bool) -> Option<Vec<String>> {
    let hir = parse_as_compiled(pattern, case_insensitive)?;
    let mut phrases = gate(&lower_case(&hir))?;
    phrases.sort();
    phrases.dedup();
    Some(phrases)
}

/// The HIR of `pattern` as `require::compile_with_case` compiles it: with ASCII word
/// boundaries, from the first of the [`super::classes::syntax_attempts`] that parses. A pattern
/// that parses in a mode but does not build there (only the size limits fail a build after the
/// parse) does not build in the later modes either, whose automata are larger: then no regex
/// matches, whatever the HIR says. `None` when no mode parses it.
pub fn parse_as_compiled(pattern: &str, case_insensitive: bool) -> Option<Hir> {
    let pattern = super::classes::ascii_word_boundaries(pattern);
    super::classes::syntax_attempts(&pattern).find_map(|(unicode, text)| {
        regex_syntax::ParserBuilder::new()
            .utf8(true)
            .unicode(unicode)
            .case_insensitive(case_insensitive)
            .build()
            .parse(&text)
            .ok()
    })
}

/// A set of bytes, one bit each (byte `b` is bit `b % 64` of word `b / 64`).
pub type ByteSet = [u64; 4];

/// Is `b` in `set`?
#[inline]
pub fn has_byte(set: &ByteSet, b: u8) -> bool {
    set[usize::from(b >> 6)] >> (b & 63) & 1 == 1
}

/// When every match of `pattern` (a pack pattern, compiled as [`parse_as_compiled`] says) holds
/// two ASCII capitals side by side and no newline: the bytes a match can hold. A match then lies
/// within a run of those bytes around such a pair, and a search of only those runs finds what a
/// search of the whole text finds (see `shapes::Context::capital_runs`). `shouting`'s first
/// entry, words in capitals from a list (`THE`, `NOT`, ...) between spaces, tabs and `,;/&-`,
/// searches the runs of those bytes around a word in capitals (` DNS `, ` THE SERVER IS DOWN`):
/// on the 10 MB bench file 0.26 MB, where the lines with a pair of capitals were 2.2 MB.
pub fn capital_pair_bytes(pattern: &str, case_insensitive: bool) -> Option<ByteSet> {
    let hir = parse_as_compiled(pattern, case_insensitive)?;
    let capitals = |lit: &[u8]| {
        lit.windows(2)
            .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())
    };
    let mut set = ByteSet::default();
    match_bytes(&hir, &mut set);
    (!has_byte(&set, b'\n') && every_match_holds(&hir, &capitals)).then_some(set)
}

/// Add to `set` every byte a match of `hir` can hold: its literals' and classes' bytes (a look
/// holds none). Any non-ASCII character adds every byte from 0x80 up, so that a run of the set's
/// bytes never splits a character.
fn match_bytes(hir: &Hir, set: &mut ByteSet) {
    fn add(set: &mut ByteSet, lo: u32, hi: u32) {
        for b in lo.min(0x80)..=hi.min(0x7F) {
            set[(b >> 6) as usize] |= 1 << (b & 63);
        }
        if hi >= 0x80 {
            set[2] = u64::MAX;
            set[3] = u64::MAX;
        }
    }
    match hir.kind() {
        HirKind::Literal(lit) => lit.0.iter().for_each(|&b| add(set, b.into(), b.into())),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .for_each(|r| add(set, r.start().into(), r.end().into())),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .for_each(|r| add(set, r.start().into(), r.end().into())),
        HirKind::Repetition(r) => match_bytes(&r.sub, set),
        HirKind::Capture(c) => match_bytes(&c.sub, set),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().for_each(|p| match_bytes(p, set)),
        HirKind::Empty | HirKind::Look(_) => {}
    }
}

/// Does every match of `hir` hold a string for which `holds` is true? Yes when every match
/// begins with one of a finite set of literals that all do (the prefix extraction), or, by
/// the structure: a capture's or a repetition's (of at least one) inner expression does, each
/// branch of an alternation does, one part of a concatenation does.
fn every_match_holds(hir: &Hir, holds: &impl Fn(&[u8]) -> bool) -> bool {
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    if seq
        .literals()
        .is_some_and(|lits| !lits.is_empty() && lits.iter().all(|l| holds(l.as_bytes())))
    {
        return true;
    }
    match hir.kind() {
        HirKind::Capture(c) => every_match_holds(&c.sub, holds),
        HirKind::Repetition(r) if r.min >= 1 => every_match_holds(&r.sub, holds),
        HirKind::Alternation(branches) => branches.iter().all(|b| every_match_holds(b, holds)),
        HirKind::Concat(parts) => parts.iter().any(|p| every_match_holds(p, holds)),
        _ => false,
    }
}

/// The gate of one branch: a top-level alternation needs one in each branch.
fn gate(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Capture(c) => gate(&c.sub),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(gate(b)?);
            }
            (all.len() <= MAX_PHRASES).then_some(all)
        }
        HirKind::Concat(parts) => best_run(&split_literals(parts)),
        HirKind::Literal(_) => best_run(&split_literals(std::slice::from_ref(hir))),
        _ => None,
    }
}

/// `parts` with each literal cut into its runs of ASCII word bytes and its other bytes, one
/// each: a concatenation's adjacent literals come merged (`(?:team) x` is `team x`), and a run
/// may begin or end inside one.
fn split_literals(parts: &[Hir]) -> Vec<Hir> {
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let HirKind::Literal(lit) = part.kind() else {
            out.push(part.clone());
            continue;
        };
        let mut rest: &[u8] = &lit.0;
        while let Some(&first) = rest.first() {
            let n = if word_byte(first) {
                rest.iter().take_while(|&&b| word_byte(b)).count()
            } else {
                1
            };
            out.push(Hir::literal(&rest[..n]));
            rest = &rest[n..];
        }
    }
    out
}

/// At most this many parts in a sequence, and in a run: the search below extracts literals for
/// every run, so its cost grows with the cube of a sequence's length (a config's 1.8 KB pattern
/// of 600 parts took 3.5 s to load without the caps).
const MAX_PARTS: usize = 64;
const MAX_RUN: usize = 12;

/// The best qualifying run `parts[i..j]`, with something on both sides of it.
fn best_run(parts: &[Hir]) -> Option<Vec<String>> {
    let n = parts.len();
    if n > MAX_PARTS {
        return None;
    }
    let before: Vec<bool> = (0..n)
        .map(|i| i > 0 && context_ok(&parts[..i], ExtractKind::Suffix))
        .collect();
    let after: Vec<bool> = (0..n)
        .map(|j| j > 0 && context_ok(&parts[j..], ExtractKind::Prefix))
        .collect();
    let mut best: Option<(usize, std::cmp::Reverse<usize>, Vec<String>)> = None;
    for i in (1..n).filter(|&i| before[i]) {
        for j in (i + 1..n.min(i + MAX_RUN + 1)).filter(|&j| after[j]) {
            let Some(phrases) = run_phrases(&parts[i..j]) else {
                continue;
            };
            let shortest = phrases.iter().map(String::len).min().unwrap_or(0);
            let score = (shortest, std::cmp::Reverse(phrases.len()));
            if best.as_ref().is_none_or(|(s, c, _)| score > (*s, *c)) {
                best = Some((score.0, score.1, phrases));
            }
        }
    }
    best.map(|(_, _, p)| p)
}

fn extract(parts: &[Hir], kind: ExtractKind) -> Seq {
    Extractor::new().kind(kind).extract(&Hir::concat(parts.to_vec()))
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Does every match of `parts` end (`Suffix`) or begin (`Prefix`) with an ASCII non-word byte?
fn context_ok(parts: &[Hir], kind: ExtractKind) -> bool {
    let suffix = matches!(kind, ExtractKind::Suffix);
    let seq = extract(parts, kind);
    let Some(lits) = seq.literals() else {
        return false;
    };
    !lits.is_empty()
        && lits.iter().all(|l| {
            let edge = if suffix {
                l.as_bytes().last()
            } else {
                l.as_bytes().first()
            };
            edge.is_some_and(|&b| b.is_ascii() && !word_byte(b))
        })
}

/// Every match of `parts`, when they are a finite set of exact literals that begin and end
/// with an ASCII word byte and hold no newline (the scan's pieces are cut after newlines).
fn run_phrases(parts: &[Hir]) -> Option<Vec<String>> {
    let seq = extract(parts, ExtractKind::Prefix);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_PHRASES || !seq.is_exact() {
        return None;
    }
    lits.iter()
        .map(|l| {
            let b = l.as_bytes();
            let edges = b.first().is_some_and(|&c| word_byte(c)) && b.last().is_some_and(|&c| word_byte(c));
            (edges && !b.contains(&b'\n'))
                .then(|| String::from_utf8(b.to_vec()).ok())
                .flatten()
        })
        .collect()
}

/// The lower-case image of `hir`: its matches are the ASCII-lowercased copies of the matches of
/// `hir` (ASCII lowercasing works a character at a time, so the image of a concatenation, an
/// alternation or a repetition is that of its parts): literals lowercased, each class's capitals
/// replaced by the small letters (`[A-Cx]` -> `[a-cx]`).
fn lower_case(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Literal(lit) => Hir::literal(lit.0.to_ascii_lowercase()),
        HirKind::Class(Class::Unicode(c)) => {
            let capitals = ClassUnicode::new([ClassUnicodeRange::new('A', 'Z')]);
            let mut upper = c.clone();
            upper.intersect(&capitals);
            let mut image = c.clone();
            image.difference(&capitals);
            let small = |ch: char| ch.to_ascii_lowercase();
            image.union(&ClassUnicode::new(
                upper
                    .iter()
                    .map(|r| ClassUnicodeRange::new(small(r.start()), small(r.end()))),
            ));
            Hir::class(Class::Unicode(image))
        }
        HirKind::Class(Class::Bytes(c)) => {
            let capitals = ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]);
            let mut upper = c.clone();
            upper.intersect(&capitals);
            let mut image = c.clone();
            image.difference(&capitals);
            image.union(&ClassBytes::new(upper.iter().map(|r| {
                ClassBytesRange::new(r.start().to_ascii_lowercase(), r.end().to_ascii_lowercase())
            })));
            Hir::class(Class::Bytes(image))
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(lower_case(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(lower_case(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(lower_case).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(lower_case).collect()),
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate_of(p: &str) -> Option<Vec<String>> {
        word_gate(p, true)
    }

    #[test]
    fn capital_pair_bytes_needs_both() {
        let cs = |p: &str| capital_pair_bytes(p, false).is_some();
        assert!(cs(
            r"\b(?:[A-Z][A-Z']*[ \t]+)*(?:THE|NOT|DON'T|DO)(?:[ \t]+[A-Z][A-Z']*)+\b"
        ));
        assert!(cs(r"[a-z,][ \t]+(?P<w>NOT|NEVER|DO|DON'T|DOES)\b"));
        // A word of one capital, a capital then a small letter: no pair in every match.
        assert!(!cs(r"[a-z][ \t]+(?:NOT|A)\b"));
        assert!(!cs(r"\b(?:Not|NEVER)\b"));
        // Optional: a match without it.
        assert!(!cs(r"x(?:NOT)?y"));
        // Across lines: `\s` holds a newline.
        assert!(!cs(r"NOT\s+NOW"));
        assert!(!cs(r"(?s)NOT.NOW"));
        // Case-insensitive: `not` matches too.
        assert!(capital_pair_bytes(r"\bNOT\b", true).is_none());
        assert!(!cs(r"a (b"));
    }

    /// The set holds every byte of every match and nothing else the pattern cannot match; a
    /// non-ASCII character brings in every byte from 0x80.
    #[test]
    fn capital_pair_bytes_are_the_bytes_a_match_can_hold() {
        let bytes = |p: &str| -> Vec<u8> {
            let set = capital_pair_bytes(p, false).expect("qualifies");
            (0..=255u8).filter(|&b| has_byte(&set, b)).collect()
        };
        assert_eq!(bytes(r"\bNOT[ \t]+(?:NOW|[X-Z]{2})\b"), b"\t NOTWXYZ");
        assert_eq!(bytes(r"(?P<w>AB)-?[0-2]"), b"-012AB");
        let accented = bytes(r"AB\u{e9}");
        assert_eq!(&accented[..2], b"AB");
        assert_eq!(accented.len(), 2 + 128);
        let class = bytes(r"AB[^\n]");
        assert_eq!(class.len(), 255);
        assert!(!class.contains(&b'\n'));
        // A newline in the set: no runs on one line.
        assert!(capital_pair_bytes(r"AB[^x]", false).is_none());
    }

    #[test]
    fn a_middle_between_spaces_is_the_gate() {
        let g = gate_of(r"\bthe (?:\w+ )?(?:team|vendor)s? (?:never|always) (?:patch|test)\w*\b").unwrap();
        assert_eq!(
            g,
            [
                "team always",
                "team never",
                "teams always",
                "teams never",
                "vendor always",
                "vendor never",
                "vendors always",
                "vendors never"
            ]
        );
    }

    #[test]
    fn the_rarest_run_wins_and_letters_come_out_lowercase() {
        // "Outage" alone (6 bytes) against "Outage Window" (13): the longer, fewer-phrase run.
        assert_eq!(
            gate_of(r"\bplanned (?:Outage Window) ends\b").unwrap(),
            ["outage window"]
        );
        // Case-sensitive regexes keep their literals, lowercased for the scan.
        assert_eq!(word_gate(r"x (?:Foo|BAR) y", false).unwrap(), ["bar", "foo"]);
    }

    #[test]
    fn alternations_need_a_gate_in_every_branch() {
        assert_eq!(gate_of(r"a (?:foo) b|c (?:bar) d").unwrap(), ["bar", "foo"]);
        assert_eq!(gate_of(r"a (?:foo) b|\bbar\b"), None);
    }

    #[test]
    fn no_gate_without_a_non_word_byte_on_both_sides() {
        // `\b` is ASCII in the regex and Unicode in the scan: "éfoo" matches `\bfoo`, and the
        // scan sees one word there.
        assert_eq!(gate_of(r"\bfoo\b"), None);
        assert_eq!(gate_of(r"you (?:lied|cheated)\b"), None);
        // Something optional before the run: the byte before it may be a letter.
        assert_eq!(gate_of(r"\b(?:un)?(?:lock) this"), None);
        // Open-ended runs, runs of punctuation only.
        assert_eq!(gate_of(r"a \w+ b"), None);
        assert_eq!(gate_of(r"a (?:--) b"), None);
        // A word inside punctuation is a run of its own.
        assert_eq!(gate_of(r"a (?:-foo) b").unwrap(), ["foo"]);
        // Nothing to the side at all.
        assert_eq!(gate_of(r"foo bar"), None);
        // A newline in a phrase (the scan's pieces are cut after newlines).
        assert_eq!(gate_of("a (?:foo\nbar|baz) b"), None);
        // Not a pattern.
        assert_eq!(gate_of(r"a (b"), None);
    }

    #[test]
    fn case_sensitive_parts_of_a_case_insensitive_pattern_keep_their_letters() {
        // `(?-i:[XY])` matches `X`: its lower-case image is `[xy]`, a phrase of the gate too.
        assert_eq!(gate_of(r", (?:team|(?-i:[XY])) ,").unwrap(), ["team", "x", "y"]);
        assert_eq!(gate_of(r", (?:team|(?-i:XY)) ,").unwrap(), ["team", "xy"]);
        // Before `team`: `, ` or any capital, a word byte: no gate.
        assert_eq!(gate_of(r"x(?:, |(?-i:[A-Z]))team y\w*"), None);
    }

    #[test]
    fn long_sequences_get_no_gate_rather_than_a_slow_search() {
        // 1,200 parts: over MAX_PARTS, so no search at all (`ab` between spaces would qualify).
        assert_eq!(gate_of(&format!("x {}\\w*", "ab ".repeat(600))), None);
        // Under it, the runs are searched (up to MAX_RUN parts each).
        assert!(gate_of(&format!("x {}y", "ab ".repeat(20))).is_some());
    }

    #[test]
    fn an_optional_separator_still_leaves_a_non_word_byte() {
        // Before `team`: either "the " or "the big ": both end in a space.
        assert_eq!(gate_of(r"the (?:big )?(?:team) x").unwrap(), ["team"]);
        // Before `team`: "the" or "the ": may end in `e`.
        assert_eq!(gate_of(r"the ?(?:team) x"), None);
    }
}
