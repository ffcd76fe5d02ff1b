//! Keyword windows for the `pattern` shape: where in a document can a pattern's matches be?
//!
//! An entry's `keywords` say when its patterns run at all. When every string a pattern matches
//! contains one of those keywords (ASCII case-insensitively), and a match can hold only so many
//! newlines (or so many bytes), then every match lies within a short reach of some occurrence of
//! a keyword: the pattern need only be searched there, not over the whole document. [`reach`]
//! proves both facts from the pattern's syntax tree (conservatively: when it cannot, the entry
//! scans the whole text as before); [`windows`] turns the keyword occurrences into the merged
//! byte ranges to search.
//!
//! The search in each window sees the whole text for `^`, `$` and `\b`, and windows that overlap
//! or touch are merged, so the matches found are exactly those a search of the whole text finds:
//! every match of the whole-text search contains an occurrence, so it lies in that occurrence's
//! window; and any match the regex could prefer at a position inside a window contains an
//! occurrence too, so it cannot reach past the merged window either.

use regex_syntax::hir::{Class, Hir, HirKind};

/// How far a match can reach from a keyword occurrence inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// At most this many line breaks in a match, counting newlines with only white space
    /// between them as one break (a run of blank lines, as `\s*` takes: see [`newlines`]).
    pub newlines: usize,
    /// At most this many bytes in a match (`None`: no bound).
    pub max_len: Option<usize>,
}

impl Reach {
    /// The reach of several patterns searched over the same windows.
    pub fn union(self, other: Reach) -> Reach {
        Reach {
            newlines: self.newlines.max(other.newlines),
            max_len: self.max_len.zip(other.max_len).map(|(a, b)| a.max(b)),
        }
    }
}

/// The reach of `pattern` (compiled as the engine compiles it: ASCII mode when the pattern allows,
/// else Unicode) when every match must contain one of `keywords` and a match holds a bounded
/// number of newlines; `None` otherwise.
pub fn reach(pattern: &str, multi_line: bool, case_insensitive: bool, keywords: &[String]) -> Option<Reach> {
    let (hir, keywords) = parse_with_keywords(pattern, multi_line, case_insensitive, keywords)?;
    if !requires(&hir, &keywords) {
        return None;
    }
    Some(Reach {
        newlines: newlines(&hir)?,
        max_len: hir.properties().maximum_len(),
    })
}

/// Can this analysis prove that every match of `pattern` contains one of `keywords`? (When it
/// cannot, an entry's keywords may skip a document that the pattern matches: the test of the
/// built-in packs asks this of every entry.)
pub fn keywords_required(pattern: &str, case_insensitive: bool, keywords: &[String]) -> bool {
    parse_with_keywords(pattern, true, case_insensitive, keywords).is_some_and(|(hir, k)| requires(&hir, &k))
}

/// The pattern's syntax tree as the engine compiles it ([`super::gate::parse_as_compiled`]:
/// ASCII literals, Unicode only for the classes that need it, so that a case-insensitive `s`
/// is `[Ss]`, not `[Ssſ]`) and the keywords lowercased; `None` without keywords, with a
/// keyword holding a newline, or when the pattern does not parse. (`multi_line` changes only
/// what `^` and `$` match, which holds no byte.)
fn parse_with_keywords(
    pattern: &str,
    _multi_line: bool,
    case_insensitive: bool,
    keywords: &[String],
) -> Option<(Hir, Vec<String>)> {
    let keywords: Vec<String> = keywords
        .iter()
        .filter(|k| !k.is_empty())
        .map(|k| k.to_ascii_lowercase())
        .collect();
    if keywords.is_empty() || keywords.iter().any(|k| k.contains('\n')) {
        return None;
    }
    let hir = super::gate::parse_as_compiled(pattern, case_insensitive)?;
    Some((hir, keywords))
}

/// Does every string `hir` matches contain one of `keywords` (lowercase), ASCII
/// case-insensitively? `false` when unsure.
fn requires(hir: &Hir, keywords: &[String]) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => contains_keyword(&lit.0.to_ascii_lowercase(), keywords),
        HirKind::Capture(c) => requires(&c.sub, keywords),
        HirKind::Repetition(r) => {
            (r.min >= 1 && requires(&r.sub, keywords)) || finite(hir).is_some_and(|set| all_contain(&set, keywords))
        }
        HirKind::Alternation(alts) => alts.iter().all(|h| requires(h, keywords)),
        HirKind::Concat(parts) => {
            if parts.iter().any(|h| requires(h, keywords)) {
                return true;
            }
            // A keyword spread over several parts: runs of parts that match a few short strings
            // (literals, small classes, alternations of those: every combination is tried),
            // across zero-width assertions. The run holds, for every match not yet known to
            // hold a keyword, a string of the match that ends where the next part begins: after
            // a repetition of such a part, its last copy (and, when it may be absent, the run
            // before it too, unless the run followed by a copy holds a keyword every time).
            let mut run: Vec<Vec<u8>> = vec![Vec::new()];
            for h in parts {
                if let Some(set) = finite(h) {
                    match cross(&run, &set) {
                        Some(next) => run = next,
                        None => {
                            if all_contain(&run, keywords) {
                                return true;
                            }
                            run = set;
                        }
                    }
                    continue;
                }
                if let HirKind::Repetition(r) = h.kind()
                    && let Some(one) = finite(&r.sub)
                {
                    if r.min == 0 {
                        if all_contain(&run, keywords) {
                            return true;
                        }
                        if !cross(&run, &one).is_some_and(|with| all_contain(&with, keywords)) {
                            run.extend(one);
                            run.sort_unstable();
                            run.dedup();
                        }
                        if run.len() <= FINITE_MAX {
                            continue;
                        }
                    } else {
                        // The run, then as many of the fewest copies as stay few strings (all
                        // of them, or the first ones: "-" and the first `\d` of `-\d{6}` are
                        // "-0" to "-9"): the rest of the match cannot take them away. (At most
                        // 64 copies: an empty `one`, from a class that matches nothing, never
                        // outgrows the cap, and `{999999999,}` would not end.)
                        let mut before = run;
                        for _ in 0..r.min.min(64) {
                            match cross(&before, &one) {
                                Some(next) => before = next,
                                None => break,
                            }
                        }
                        if all_contain(&before, keywords) {
                            return true;
                        }
                        run = one;
                        continue;
                    }
                }
                if all_contain(&run, keywords) {
                    return true;
                }
                run = vec![Vec::new()];
            }
            all_contain(&run, keywords)
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// Most strings [`finite`] lists for a part (and a run holds).
const FINITE_MAX: usize = 256;

/// The strings `hir` matches (ASCII-lowercased, deduplicated), when they are few and ASCII: a
/// zero-width assertion matches the empty string.
fn finite(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut set = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Vec::new()],
        HirKind::Literal(lit) => vec![lit.0.to_ascii_lowercase()],
        HirKind::Class(c) => {
            let mut bytes: Vec<u8> = Vec::new();
            let ranges: Vec<(u32, u32)> = match c {
                Class::Unicode(c) => c.iter().map(|r| (u32::from(r.start()), u32::from(r.end()))).collect(),
                Class::Bytes(c) => c.iter().map(|r| (u32::from(r.start()), u32::from(r.end()))).collect(),
            };
            for (a, b) in ranges {
                if b >= 0x80 || b - a >= 16 || bytes.len() > 16 {
                    return None;
                }
                bytes.extend((a..=b).map(|x| (x as u8).to_ascii_lowercase()));
            }
            bytes.into_iter().map(|b| vec![b]).collect()
        }
        HirKind::Capture(c) => finite(&c.sub)?,
        HirKind::Concat(parts) => parts
            .iter()
            .try_fold(vec![Vec::new()], |acc, h| cross(&acc, &finite(h)?))?,
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for h in alts {
                all.extend(finite(h)?);
                if all.len() > FINITE_MAX {
                    return None;
                }
            }
            all
        }
        HirKind::Repetition(r) => {
            let max = r.max.filter(|&m| m <= 8)?;
            let one = finite(&r.sub)?;
            let mut all = Vec::new();
            let mut power = vec![Vec::new()];
            for k in 0..=max {
                if k >= r.min {
                    all.extend(power.iter().cloned());
                }
                if k < max {
                    power = cross(&power, &one)?;
                }
                if all.len() > FINITE_MAX {
                    return None;
                }
            }
            all
        }
    };
    set.sort_unstable();
    set.dedup();
    Some(set)
}

/// Every string of `a` followed by every string of `b`; `None` past [`FINITE_MAX`] strings or
/// 256 bytes in one.
fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().saturating_mul(b.len()) > FINITE_MAX {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            if x.len() + y.len() > 256 {
                return None;
            }
            out.push([x.as_slice(), y.as_slice()].concat());
        }
    }
    Some(out)
}

/// Does every string of `set` contain a keyword?
fn all_contain(set: &[Vec<u8>], keywords: &[String]) -> bool {
    set.iter().all(|s| contains_keyword(s, keywords))
}

fn contains_keyword(run: &[u8], keywords: &[String]) -> bool {
    keywords.iter().any(|k| run.windows(k.len()).any(|w| w == k.as_bytes()))
}

/// The most line breaks a match of `hir` can hold (`None`: no bound), where newlines with only
/// white space between them count as one break. A repetition of a class of white space only
/// (`\s*`, `\s+`, `[ \t\r\n]{0,9}`) matches one run of white space, so its newlines are one
/// break however many there are: a prose pattern's `password\s*is` spans a blank line or ten
/// without its matches leaving a window of the keyword's line and the next line that is not
/// blank. (A break is at least one newline, so the bound holds for newlines counted one by one.)
fn newlines(hir: &Hir) -> Option<usize> {
    if let HirKind::Repetition(r) = hir.kind()
        && let Some(has_newline) = white_space_class(&r.sub)
    {
        return Some(usize::from(has_newline));
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(lit) => Some(lit.0.iter().filter(|&&b| b == b'\n').count()),
        HirKind::Class(Class::Unicode(c)) => Some(usize::from(c.iter().any(|r| r.start() <= '\n' && '\n' <= r.end()))),
        HirKind::Class(Class::Bytes(c)) => Some(usize::from(c.iter().any(|r| r.start() <= b'\n' && b'\n' <= r.end()))),
        HirKind::Capture(c) => newlines(&c.sub),
        HirKind::Repetition(r) => match newlines(&r.sub)? {
            0 => Some(0),
            n => r.max.and_then(|m| n.checked_mul(m as usize)),
        },
        HirKind::Concat(parts) => parts.iter().try_fold(0usize, |acc, h| acc.checked_add(newlines(h)?)),
        HirKind::Alternation(alts) => alts.iter().try_fold(0usize, |acc, h| Some(acc.max(newlines(h)?))),
    }
}

/// For a class of white space only (`char::is_whitespace`, the Unicode White_Space property
/// that `\s` is in Unicode mode; a byte class: ASCII white space): does it hold a newline?
/// `None` for any other node.
fn white_space_class(hir: &Hir) -> Option<bool> {
    let ranges: Vec<(u32, u32)> = match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => c.iter().map(|r| (u32::from(r.start()), u32::from(r.end()))).collect(),
        // A byte of 0x80 or more is not a char: not white space here.
        HirKind::Class(Class::Bytes(c)) if c.is_ascii() => {
            c.iter().map(|r| (u32::from(r.start()), u32::from(r.end()))).collect()
        }
        _ => return None,
    };
    // No 64 code points in a row are white space: a wider range is not.
    let all_space = ranges
        .iter()
        .all(|&(a, b)| b.saturating_sub(a) < 64 && (a..=b).all(|x| char::from_u32(x).is_some_and(char::is_whitespace)));
    all_space.then(|| ranges.iter().any(|&(a, b)| a <= 0x0A && 0x0A <= b))
}

/// The length of the white space char (see [`white_space_class`]) that starts `text[at..]`, if
/// one does.
fn space_ahead(text: &str, at: usize) -> Option<usize> {
    let c = text[at..].chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// The length of the white space char that ends `text[..at]`, if one does.
fn space_behind(text: &str, at: usize) -> Option<usize> {
    let c = text[..at].chars().next_back()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// The byte ranges of `text` to search: around each keyword occurrence `(start, end)`, as far
/// as a match holding it can reach, merged where they overlap or touch; in order.
pub fn windows(text: &str, occurrences: &[(u32, u32)], reach: Reach) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(occurrences.len());
    for &(s, e) in occurrences {
        let (s, e) = (s as usize, e as usize);
        // A match holding [s, e) starts after the line break before the last `newlines` ones
        // before `s`, and ends before the line break after the first `newlines` ones from `e`;
        // a break is a newline and the newlines after it across white space only. (The match
        // holds all the newlines between it and the keyword: those of at most `newlines` breaks,
        // each one's whole or a part.)
        let mut a = s;
        let mut left = reach.newlines + 1;
        while left > 0 {
            match memchr::memrchr(b'\n', &bytes[..a]) {
                Some(k) => {
                    a = k;
                    left -= 1;
                    if left > 0 {
                        while let Some(n) = space_behind(text, a) {
                            a -= n;
                        }
                    }
                }
                None => {
                    a = 0;
                    break;
                }
            }
        }
        if left == 0 {
            a += 1;
        }
        let mut b = e;
        let mut left = reach.newlines + 1;
        while left > 0 {
            match memchr::memchr(b'\n', &bytes[b..]) {
                Some(k) => {
                    b += k;
                    left -= 1;
                    if left > 0 {
                        b += 1;
                        while let Some(n) = space_ahead(text, b) {
                            b += n;
                        }
                    }
                }
                None => {
                    b = text.len();
                    break;
                }
            }
        }
        if let Some(len) = reach.max_len {
            a = a.max(e.saturating_sub(len));
            b = b.min(s.saturating_add(len)).max(e);
        }
        let (a, b) = (text.floor_char_boundary(a), text.ceil_char_boundary(b));
        out.push((a, b));
    }
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (a, b) in out {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn patterns_that_need_a_keyword_and_their_reach() {
        let r = reach(
            r"\b(?:(?:we|i)(?:'re|'m| are| am) )?sorry (?:if|that) you\b",
            true,
            true,
            &kw(&["sorry", "apolog"]),
        );
        assert_eq!(r.map(|r| r.newlines), Some(0));
        assert!(r.unwrap().max_len.is_some());
        // Every branch holds a keyword.
        assert!(
            reach(
                r"\b(?:just|simply|merely)\b",
                true,
                true,
                &kw(&["just", "simply", "merely"])
            )
            .is_some()
        );
        // A keyword inside a group that repeats at least once; a case-sensitive literal.
        assert!(reach(r"(?:AKIA)+[A-Z]{16}", true, false, &kw(&["akia"])).is_some());
        // `[ \t]+` holds no newline: unbounded length, but a match stays on its line.
        let r = reach(r"\byou[ \t]+just[ \t]+need\b", true, true, &kw(&["just"])).unwrap();
        assert_eq!((r.newlines, r.max_len), (0, None));
        // One newline at most.
        let r = reach(r"(?:^|\n[ \t]*)(?:just|simply)\b", true, true, &kw(&["just", "simply"])).unwrap();
        assert_eq!(r.newlines, 1);
        // `\s+` takes one run of white space: any number of newlines, one line break.
        let r = reach(r"password\s+is", true, true, &kw(&["passw"])).unwrap();
        assert_eq!((r.newlines, r.max_len), (1, None));
        let r = reach(r"password\s*:\s*\n?x", true, true, &kw(&["passw"])).unwrap();
        assert_eq!(r.newlines, 3);
        // In Unicode mode too (a non-ASCII literal needs it), where `\s` holds U+2028 and more.
        let r = reach(r"password\s*[“x]", true, true, &kw(&["passw"])).unwrap();
        assert_eq!(r.newlines, 1);
    }

    #[test]
    fn a_line_break_spans_blank_lines() {
        let text = "a\nb\n\n \t\r\n  key is\n\n\nvalue\nnext\nlast";
        let s = text.find("key").unwrap();
        let occ = [(s as u32, s as u32 + 3)];
        let one = Reach {
            newlines: 1,
            max_len: None,
        };
        // Back over one break (the blank lines before the keyword's line) to the line before
        // it; forward over the blank lines to the line "value", and no further.
        let (a, b) = windows(text, &occ, one)[0];
        assert_eq!(&text[a..b], "b\n\n \t\r\n  key is\n\n\nvalue");
        let (a, b) = windows(text, &occ, Reach { newlines: 0, ..one })[0];
        assert_eq!(&text[a..b], "  key is");
        // Unicode white space is white space in a break.
        let text = "x\n\u{2028}\u{a0}\nkey\n\u{3000}\ny\nz";
        let s = text.find("key").unwrap();
        let (a, b) = windows(text, &[(s as u32, s as u32 + 3)], one)[0];
        assert_eq!(&text[a..b], "x\n\u{2028}\u{a0}\nkey\n\u{3000}\ny");
    }

    #[test]
    fn patterns_that_may_match_without_a_keyword_or_across_any_lines_are_not_windowed() {
        // A branch without a keyword.
        assert_eq!(reach(r"\b(?:sorry|pardon)\b", true, true, &kw(&["sorry"])), None);
        // The keyword is optional.
        assert_eq!(reach(r"\b(?:sorry )?you\b", true, true, &kw(&["sorry"])), None);
        assert_eq!(reach(r"(?:sorry)*you", true, true, &kw(&["sorry"])), None);
        // A repetition of a class that holds a newline and more than white space can take any
        // number of line breaks.
        assert_eq!(reach(r"password[\s,]+is", true, true, &kw(&["passw"])), None);
        assert_eq!(reach(r"password(?:\s*-)*is", true, true, &kw(&["passw"])), None);
        // No keywords, an empty one only, or one with a newline.
        assert_eq!(reach(r"sorry", true, true, &[]), None);
        assert_eq!(reach(r"sorry", true, true, &kw(&[""])), None);
        assert_eq!(reach(r"sorry", true, true, &kw(&["so\nrry"])), None);
        // A class wider than one letter in two cases breaks the run.
        assert_eq!(reach(r"s[o0]rry", true, false, &kw(&["sorry"])), None);
        // Unicode case folding adds the long s: "ſorry" has no ASCII keyword in it.
        assert_eq!(reach(r"(?u:sorry)é", true, true, &kw(&["sorry"])), None);
    }

    #[test]
    fn windows_cover_the_lines_around_each_occurrence_and_merge() {
        let text = "one\ntwo just x\nthree\nfour just\nfive";
        let j1 = text.find("just").unwrap();
        let j2 = text.rfind("just").unwrap();
        let occ = [(j1 as u32, j1 as u32 + 4), (j2 as u32, j2 as u32 + 4)];
        let line = Reach {
            newlines: 0,
            max_len: None,
        };
        assert_eq!(
            windows(text, &occ, line),
            vec![(4, 4 + "two just x".len()), (21, 21 + "four just".len())]
        );
        // One newline each way: the windows touch and merge.
        let w = windows(
            text,
            &occ,
            Reach {
                newlines: 1,
                max_len: None,
            },
        );
        assert_eq!(w, vec![(0, text.len())]);
        // A length bound narrows a line window.
        let w = windows(
            text,
            &occ[..1],
            Reach {
                newlines: 0,
                max_len: Some(5),
            },
        );
        assert_eq!(w, vec![(j1 - 1, j1 + 5)]);
    }

    #[test]
    fn windows_stay_on_char_boundaries() {
        let text = "ééé just ééé";
        let s = text.find("just").unwrap();
        let w = windows(
            text,
            &[(s as u32, s as u32 + 4)],
            Reach {
                newlines: 0,
                max_len: Some(6),
            },
        );
        let (a, b) = w[0];
        assert!(text.is_char_boundary(a) && text.is_char_boundary(b) && a < s && b >= s + 5);
    }

    /// Matches found in the windows are exactly the matches of a search of the whole text, for
    /// patterns of the kinds the packs use (an optional lead, alternatives, `[ \t]+`, a newline,
    /// `\b`, `^`), on random text made of their words, newlines and non-ASCII letters.
    fn windowed_equals_whole(pattern: &str, keywords: &[&str], text: &str) -> Result<(), String> {
        let keywords = kw(keywords);
        let Some(r) = reach(pattern, true, true, &keywords) else {
            return Err(format!("`{pattern}` should be windowable"));
        };
        let re = super::super::require::compile_with_case(pattern, true, true).map_err(|e| e.to_string())?;
        let whole: Vec<(usize, usize)> = re.find_iter(text).map(|m| (m.start(), m.end())).collect();
        let lower = text.to_ascii_lowercase();
        let mut occ: Vec<(u32, u32)> = Vec::new();
        for k in &keywords {
            let mut from = 0;
            while let Some(i) = lower[from..].find(k.as_str()) {
                occ.push(((from + i) as u32, (from + i + k.len()) as u32));
                from += i + 1;
            }
        }
        occ.sort_unstable();
        let mut found = Vec::new();
        for (a, b) in windows(text, &occ, r) {
            let input = regex_automata::Input::new(text).span(a..b);
            found.extend(re.find_iter(input).map(|m| (m.start(), m.end())));
        }
        if found == whole {
            Ok(())
        } else {
            Err(format!("{found:?} != {whole:?}"))
        }
    }

    /// Pieces of random patterns for the soundness test of [`keywords_required`]: literals,
    /// small classes, alternations, optional parts and repetitions of each.
    const PIECES: &[&str] = &[
        "a",
        "b",
        "ab",
        " ",
        "[ab]",
        "[ \t]",
        "(?:ab|b)",
        "(?:a|ba|)",
        "a*",
        "b+",
        "[ab]?",
        "(?:ab)+",
        "b{2,3}",
        "a{3,}",
        "[ \t]*",
        "\\b",
        "^",
        "(?P<g>ab?)",
        "[^a]",
        "\\w",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

        /// When the analysis says every match holds a keyword, every match found does.
        #[test]
        fn required_keywords_are_in_every_match(
            pieces in proptest::collection::vec(0..PIECES.len(), 1..6),
            keywords in proptest::collection::vec("ab|ba|aa|bb|b a|a\t|b", 1..3),
            text in "[abAB \t\n]{0,40}",
            case_insensitive in proptest::bool::ANY,
        ) {
            let pattern: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let keywords: Vec<String> = keywords;
            if keywords_required(&pattern, case_insensitive, &keywords) {
                let re = super::super::require::compile_with_case(&pattern, true, case_insensitive).unwrap();
                for m in re.find_iter(&text) {
                    let found = text[m.start()..m.end()].to_ascii_lowercase();
                    proptest::prop_assert!(
                        keywords.iter().any(|k| found.contains(k.as_str())),
                        "`{}` matched {:?} in {:?}, which holds none of {:?}", pattern, found, text, keywords
                    );
                }
            }
        }
    }

    /// The analysis proves what the packs need: keywords spread over parts, alternations,
    /// repetitions and optional white space.
    #[test]
    fn keywords_spread_over_parts_are_required() {
        let req = |p: &str, k: &[&str]| keywords_required(p, true, &kw(k));
        assert!(req(
            r"\b(?:all|the only thing) you (?:need|have)",
            &["all you", "only thing you"]
        ));
        assert!(req(r"\b(?:ghp|gho)_[0-9A-Za-z]{36}\b", &["ghp_", "gho_"]));
        assert!(req(r"\b(?:INC|CHG)0{6,}\b", &["000000"]));
        // The first copies of a repetition whose fewest copies are too many strings.
        let digits = ["-0", "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9"];
        assert!(req(r"\b\d{6}(?:-\d{6}){7}\b", &digits));
        assert!(!req(r"\b\d{6}(?:-\d{6}){7}\b", &digits[1..]));
        assert!(req(r"(?:^|[^\w-])(?P<x>X{3,6})(?:[^\w-]|$)", &["xxx"]));
        assert!(req(
            r"^[ \t]*(?P<g>dear[ \t]*[,:])",
            &["dear,", "dear:", " ,", " :", "\t,", "\t:"]
        ));
        assert!(req(
            r"\b(?:password|pin)\s*[:=][ \t]*[“`]?(?P<s>\w{6,})",
            &["passw", "pin"]
        ));
        // A huge repetition of a class that matches nothing is answered at once (true: the
        // pattern has no match to lack a keyword).
        assert!(req(r"x[a&&b]{999999999,}", &["ab"]));
        // Not required: a copy that may be absent, or a keyword a branch lacks.
        assert!(!req(r"(?:ab)?c", &["ab"]));
        assert!(!req(
            r"\b(?:couldn't|could not) be (?:easier|simpler)\b",
            &["easy", "simple"]
        ));
        assert!(!req(r"dear[ \t]*[,:]", &["dear,", "dear:"]));
    }

    const PATTERNS: &[(&str, &[&str])] = &[
        (r"\b(?:(?:we|i)(?:'re| are) )?sorry (?:if|that) you\b", &["sorry"]),
        (
            r"(?:^|[.!?][ \t]+|\n[ \t]*|\b(?:you|then)[ \t]+)(?P<w>just|simply)\b",
            &["just", "simply"],
        ),
        (r"\byou[ \t]+(?P<w>just)[ \t]+(?:need|have)[ \t]+to\b", &["just"]),
        (r"[\w,][ \t]+(?P<w>of course)\b", &["of course"]),
        (r"^[ \t]*(?:hi|hello) there[,:]?[ \t]*$", &["there"]),
        (r"\b(?:sorry|just)\s*(?:if|that)\s+(?P<w>\w+)", &["sorry", "just"]),
        (r"(?:you|we)\s+just\n\s*\w+", &["just"]),
        (r"(?:sorry|just)\s*[“:]\s*\w+", &["sorry", "just"]),
    ];

    proptest::proptest! {
        #[test]
        fn windowed_search_finds_what_a_whole_search_finds(
            words in proptest::collection::vec(
                "sorry|you|just|simply|we|are|if|that|then|need|to|of course|hi|hello|there|I|Sorry|JUST|é|ſorry|x|\\.|,|!",
                0..60,
            ),
            seps in proptest::collection::vec("[ \n\t]|  |\n\n|, |\n \n|\r\n\t\n|\n\u{b}\n|\n\u{2028}\n|\u{a0}\n“\n| : ", 60),
            which in 0..PATTERNS.len(),
        ) {
            let mut text = String::new();
            for (w, s) in words.iter().zip(&seps) {
                text.push_str(w);
                text.push_str(s);
            }
            let (pattern, keywords) = PATTERNS[which];
            proptest::prop_assert_eq!(windowed_equals_whole(pattern, keywords, &text), Ok(()));
        }
    }
}
