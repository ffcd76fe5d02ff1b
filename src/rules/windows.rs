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
    /// At most this many newlines in a match.
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
    let keywords: Vec<String> = keywords
        .iter()
        .filter(|k| !k.is_empty())
        .map(|k| k.to_ascii_lowercase())
        .collect();
    if keywords.is_empty() || keywords.iter().any(|k| k.contains('\n')) {
        return None;
    }
    let parse = |unicode: bool| {
        regex_syntax::ParserBuilder::new()
            .utf8(true)
            .unicode(unicode)
            .case_insensitive(case_insensitive)
            .multi_line(multi_line)
            .build()
            .parse(pattern)
            .ok()
    };
    let hir = parse(false).or_else(|| parse(true))?;
    if !requires(&hir, &keywords) {
        return None;
    }
    Some(Reach {
        newlines: newlines(&hir)?,
        max_len: hir.properties().maximum_len(),
    })
}

/// Does every string `hir` matches contain one of `keywords` (lowercase), ASCII
/// case-insensitively? `false` when unsure.
fn requires(hir: &Hir, keywords: &[String]) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => contains_keyword(&lit.0.to_ascii_lowercase(), keywords),
        HirKind::Capture(c) => requires(&c.sub, keywords),
        HirKind::Repetition(r) => r.min >= 1 && requires(&r.sub, keywords),
        HirKind::Alternation(alts) => alts.iter().all(|h| requires(h, keywords)),
        HirKind::Concat(parts) => {
            if parts.iter().any(|h| requires(h, keywords)) {
                return true;
            }
            // A keyword spread over several parts: runs of literal characters (a class of one
            // letter in both cases counts as that letter), across zero-width assertions.
            let mut run: Vec<u8> = Vec::new();
            for h in parts {
                match h.kind() {
                    HirKind::Literal(lit) => run.extend(lit.0.to_ascii_lowercase()),
                    HirKind::Look(_) => {}
                    HirKind::Class(c) if one_ascii_char(c).is_some() => run.extend(one_ascii_char(c)),
                    _ => {
                        if contains_keyword(&run, keywords) {
                            return true;
                        }
                        run.clear();
                    }
                }
            }
            contains_keyword(&run, keywords)
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

fn contains_keyword(run: &[u8], keywords: &[String]) -> bool {
    keywords.iter().any(|k| run.windows(k.len()).any(|w| w == k.as_bytes()))
}

/// The ASCII character (lowercased) a class matches, when it matches exactly one, or exactly
/// one letter in its two cases.
fn one_ascii_char(class: &Class) -> Option<u8> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(c) => c.iter().map(|r| (u32::from(r.start()), u32::from(r.end()))).collect(),
        Class::Bytes(c) => c.iter().map(|r| (u32::from(r.start()), u32::from(r.end()))).collect(),
    };
    let mut chars: Vec<u32> = Vec::new();
    for (a, b) in ranges {
        if b - a > 1 || chars.len() > 2 {
            return None;
        }
        chars.extend(a..=b);
    }
    let ascii = |c: u32| u8::try_from(c).ok().filter(u8::is_ascii);
    match chars[..] {
        [c] => ascii(c).map(|b| b.to_ascii_lowercase()),
        [x, y] => {
            let (x, y) = (ascii(x)?, ascii(y)?);
            (x.is_ascii_alphabetic() && x.eq_ignore_ascii_case(&y)).then(|| x.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// The most newlines a match of `hir` can hold (`None`: no bound).
fn newlines(hir: &Hir) -> Option<usize> {
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

/// The byte ranges of `text` to search: around each keyword occurrence `(start, end)`, as far
/// as a match holding it can reach, merged where they overlap or touch; in order.
pub fn windows(text: &str, occurrences: &[(u32, u32)], reach: Reach) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(occurrences.len());
    for &(s, e) in occurrences {
        let (s, e) = (s as usize, e as usize);
        // A match holding [s, e) starts after the newline before the last `newlines` ones
        // before `s`, and ends before the newline after the first `newlines` ones from `e`.
        let mut a = s;
        let mut left = reach.newlines + 1;
        while left > 0 {
            match memchr::memrchr(b'\n', &bytes[..a]) {
                Some(k) => {
                    a = k;
                    left -= 1;
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
    }

    #[test]
    fn patterns_that_may_match_without_a_keyword_or_across_any_lines_are_not_windowed() {
        // A branch without a keyword.
        assert_eq!(reach(r"\b(?:sorry|pardon)\b", true, true, &kw(&["sorry"])), None);
        // The keyword is optional.
        assert_eq!(reach(r"\b(?:sorry )?you\b", true, true, &kw(&["sorry"])), None);
        assert_eq!(reach(r"(?:sorry)*you", true, true, &kw(&["sorry"])), None);
        // `\s+` can take any number of newlines.
        assert_eq!(reach(r"password\s+is", true, true, &kw(&["passw"])), None);
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

    const PATTERNS: &[(&str, &[&str])] = &[
        (r"\b(?:(?:we|i)(?:'re| are) )?sorry (?:if|that) you\b", &["sorry"]),
        (
            r"(?:^|[.!?][ \t]+|\n[ \t]*|\b(?:you|then)[ \t]+)(?P<w>just|simply)\b",
            &["just", "simply"],
        ),
        (r"\byou[ \t]+(?P<w>just)[ \t]+(?:need|have)[ \t]+to\b", &["just"]),
        (r"[\w,][ \t]+(?P<w>of course)\b", &["of course"]),
        (r"^[ \t]*(?:hi|hello) there[,:]?[ \t]*$", &["there"]),
    ];

    proptest::proptest! {
        #[test]
        fn windowed_search_finds_what_a_whole_search_finds(
            words in proptest::collection::vec(
                "sorry|you|just|simply|we|are|if|that|then|need|to|of course|hi|hello|there|I|Sorry|JUST|é|ſorry|x|\\.|,|!",
                0..60,
            ),
            seps in proptest::collection::vec("[ \n\t]|  |\n\n|, ", 60),
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
