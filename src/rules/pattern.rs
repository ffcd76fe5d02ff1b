//! The `pattern` shape: regex entries whose matches pass through filters that are data, for
//! things a phrase list cannot judge: how random a token looks (secrets), whether the words of a
//! match are known acronyms (shouting), how many times something occurs in a document
//! (exclamation marks), which block it is in, and which kinds it applies to. The guards of
//! `terms` (`unless_followed_by`, `unless_preceded_by`, `sentence_has`, `sentence_lacks`) work
//! the same here. A `delete` fix removes the match and the space after it, and capitalises the
//! next word when the match began a sentence ("Simply restart" -> "Restart").
//!
//! Patterns use the `regex` crate's syntax, case-insensitive unless `case_sensitive`, with `^`
//! and `$` matching at line ends. By default they scan the prose (code, URLs and quoted history
//! blanked); `raw = true` scans the original text, for things that must be caught everywhere.

use super::gate::ByteSet;
use super::require::LazyRegex;
use super::shapes::{Context, Known, RuleInfo, redacted};
use super::terms::{CompiledTerm, is_quoted};
use super::windows::{self, Reach};
use super::{TermDef, require};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span, fill};
use crate::document::{BlockKind, Document};
use crate::profile::Kind;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternDef {
    pub patterns: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Scan the original text (code blocks, URLs, quoted history included) instead of the prose.
    #[serde(default)]
    pub raw: bool,
    /// Run the patterns only when one of these literals occurs (ASCII case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The capture group whose text is reported (default: the whole match).
    #[serde(default)]
    pub group: Option<String>,
    /// Kinds this entry applies to (default: the rule's).
    #[serde(default)]
    pub kinds: Option<Vec<Kind>>,
    /// Blocks a match must start in: "paragraph", "heading", "list-item", "table-cell".
    #[serde(default)]
    pub blocks: Vec<BlockSel>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub suggestion: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// A replacement for the reported text.
    #[serde(default)]
    pub replacement: Option<String>,
    /// Fix by deleting the reported text and the spaces after it, capitalising the next word at
    /// the start of a sentence.
    #[serde(default)]
    pub delete: bool,
    #[serde(default)]
    pub applicability: Option<Applicability>,
    #[serde(default)]
    pub unless_followed_by: Vec<String>,
    #[serde(default)]
    pub unless_preceded_by: Vec<String>,
    #[serde(default)]
    pub sentence_has: Vec<String>,
    #[serde(default)]
    pub sentence_lacks: Vec<String>,
    /// Characters trimmed from the end of the reported text (sentence punctuation after a value).
    #[serde(default)]
    pub trim_end: String,
    /// Skip a match whose reported text contains one of these (ASCII case-insensitive).
    #[serde(default)]
    pub unless_contains: Vec<String>,
    /// The reported text must contain a character of at least one of these classes.
    #[serde(default)]
    pub needs: Vec<CharClass>,
    /// Minimum Shannon entropy of the reported text, in bits per character.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Words of the match that are known (glossary acronyms, `accept`ed words, these) do not
    /// count; the match needs at least `min_words` other words.
    #[serde(default)]
    pub known_words: Vec<String>,
    #[serde(default)]
    pub min_words: usize,
    /// Report only matches after the first `after` of this entry in a document.
    #[serde(default)]
    pub after: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockSel {
    Paragraph,
    Heading,
    ListItem,
    TableCell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    Digit,
    Upper,
    Lower,
    Symbol,
}

#[derive(Debug)]
struct Entry {
    def: PatternDef,
    /// The entry's patterns, compiled on first use.
    regexes: Vec<LazyRegex>,
    /// Its id in the engine's keyword table (see [`CompiledPatterns::keyword_lists`]).
    keyword_id: usize,
    guards: CompiledTerm,
    known: HashSet<String>,
    /// How far from a keyword occurrence a match of any of the entry's patterns can reach, when
    /// every match must hold a keyword (worked out on first use; see [`super::windows`]).
    reach: OnceLock<Option<Reach>>,
    /// When all the entry's matches hold two ASCII capitals side by side and no newline, the
    /// bytes they can hold (worked out on first use; see [`super::gate::capital_pair_bytes`]).
    capitals: OnceLock<Option<ByteSet>>,
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/entries.rs"));
}

/// The engine finds keywords in the original text, but an entry that searches the prose sees
/// the masked text, where hidden markup is spaces: there a keyword of white space and
/// punctuation may occur where the original has none (`Hi <FirstName>,` in Markdown is
/// `Hi             ,`, which holds `greeting`'s ` ,`). Such keywords of such an entry are
/// looked for in the prose too, when the engine's pass found none of the entry's keywords.
/// (A keyword with a letter or digit in it needs those in the original text, where masking
/// leaves them; that one with white space between them occurs only in the masked text would
/// need a hidden run exactly as long as its white space, which is left alone.)
fn masking_made_keyword(def: &PatternDef, doc: &Document) -> bool {
    !def.raw
        && def
            .keywords
            .iter()
            .filter(|k| {
                k.bytes().any(|b| b.is_ascii_whitespace()) && !k.bytes().any(|b| b.is_ascii_alphanumeric() || b >= 0x80)
            })
            .any(|k| contains_punctuation_keyword(doc.masked.as_bytes(), k.as_bytes()))
}

/// Does `hay` hold `needle` (white space and ASCII punctuation)? Candidates are found by the
/// needle's first byte that is not white space (`,` of ` ,`).
fn contains_punctuation_keyword(hay: &[u8], needle: &[u8]) -> bool {
    let Some(j) = needle.iter().position(|b| !b.is_ascii_whitespace()) else {
        return !needle.is_empty() && memchr::memmem::find(hay, needle).is_some();
    };
    memchr::memchr_iter(needle[j], hay).any(|p| p >= j && hay.get(p - j..p - j + needle.len()) == Some(needle))
}

/// What build.rs worked out for a built-in entry's pattern (with these keywords and case), if
/// it is one: (capital-pair bytes, reach).
fn builtin_facts(
    pattern: &str,
    case_insensitive: bool,
    keywords: &[String],
) -> Option<(Option<ByteSet>, Option<Reach>)> {
    let table = builtin::BUILTIN_ENTRY_FACTS;
    let i = table
        .binary_search_by(|&(p, ci, k, _, _)| {
            (p, ci)
                .cmp(&(pattern, case_insensitive))
                .then_with(|| k.iter().copied().cmp(keywords.iter().map(String::as_str)))
        })
        .ok()?;
    let (_, _, _, capitals, reach) = table[i];
    Some((capitals, reach.map(|(newlines, max_len)| Reach { newlines, max_len })))
}

/// An entry pattern's reach ([`windows::reach`]): a built-in one's is looked up.
fn pattern_reach(pattern: &str, case_insensitive: bool, keywords: &[String]) -> Option<Reach> {
    match builtin_facts(pattern, case_insensitive, keywords) {
        Some((_, reach)) => reach,
        None => windows::reach(pattern, true, case_insensitive, keywords),
    }
}

/// [`super::gate::capital_pair_bytes`] for an entry's pattern: a built-in one's is looked up.
fn pattern_capitals(pattern: &str, case_insensitive: bool, keywords: &[String]) -> Option<ByteSet> {
    match builtin_facts(pattern, case_insensitive, keywords) {
        Some((capitals, _)) => capitals,
        None => super::gate::capital_pair_bytes(pattern, case_insensitive),
    }
}

impl Entry {
    fn reach(&self) -> Option<Reach> {
        *self.reach.get_or_init(|| {
            let mut all: Option<Reach> = None;
            for re in &self.regexes {
                let r = pattern_reach(re.source(), !self.def.case_sensitive, &self.def.keywords)?;
                all = Some(all.map_or(r, |a| a.union(r)));
            }
            all
        })
    }

    /// The bytes of all the entry's patterns' matches, when each pattern's matches hold two
    /// capitals side by side and no newline.
    fn capital_pair_bytes(&self) -> Option<&ByteSet> {
        self.capitals
            .get_or_init(|| {
                let mut all = ByteSet::default();
                for re in &self.regexes {
                    let set = pattern_capitals(re.source(), !self.def.case_sensitive, &self.def.keywords)?;
                    all.iter_mut().zip(set).for_each(|(a, b)| *a |= b);
                }
                (!self.regexes.is_empty()).then_some(all)
            })
            .as_ref()
    }
}

/// Tests switch the capital-run search off to compare.
#[cfg(test)]
pub static NO_CAPITAL_RUNS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// May entries whose matches need two capitals side by side search only the runs of their bytes
/// around such pairs ([`Context::capital_runs`](super::shapes::Context::capital_runs))? In runs
/// built with prefilters (see `require::set_prefilters`: large runs), where working out which
/// entries qualify, once per process, is paid back.
fn capital_runs_allowed() -> bool {
    #[cfg(test)]
    if NO_CAPITAL_RUNS.load(std::sync::atomic::Ordering::SeqCst) {
        return false;
    }
    super::require::prefilters()
}

#[derive(Debug)]
pub struct CompiledPatterns {
    entries: Vec<Entry>,
}

impl CompiledPatterns {
    pub fn new(defs: &[PatternDef], known: &Known, keyword_ids: &mut usize) -> Result<Self, String> {
        let mut entries = Vec::new();
        for def in defs {
            if def.patterns.is_empty() {
                return Err("a [[rule.pattern]] entry needs `patterns`".into());
            }
            let mut regexes = Vec::new();
            for p in &def.patterns {
                if !known.trusted {
                    require::validate(p)?;
                }
                regexes.push(LazyRegex::validated(p, true, !def.case_sensitive));
            }
            let guards = CompiledTerm::new(&TermDef {
                unless_followed_by: def.unless_followed_by.clone(),
                unless_preceded_by: def.unless_preceded_by.clone(),
                sentence_has: def.sentence_has.clone(),
                sentence_lacks: def.sentence_lacks.clone(),
                ..Default::default()
            });
            let known_set = if def.min_words > 0 {
                known
                    .acronyms
                    .iter()
                    .cloned()
                    .chain(def.known_words.iter().map(|w| w.to_uppercase()))
                    .collect()
            } else {
                HashSet::new()
            };
            entries.push(Entry {
                def: def.clone(),
                regexes,
                keyword_id: {
                    *keyword_ids += 1;
                    *keyword_ids - 1
                },
                guards,
                known: known_set,
                reach: OnceLock::new(),
                capitals: OnceLock::new(),
            });
        }
        Ok(CompiledPatterns { entries })
    }

    /// Every lazily compiled regex of the shape.
    pub fn regexes(&self) -> impl Iterator<Item = &LazyRegex> {
        self.entries.iter().flat_map(|e| &e.regexes)
    }

    /// Compile every regex now; the error keeps the pattern as written, to locate it.
    pub fn force(&self) -> Result<(), require::PatternError> {
        self.regexes().try_for_each(LazyRegex::force)
    }

    pub fn check(&self, cx: &Context, rule: &RuleInfo, out: &mut Vec<Diagnostic>) {
        let doc = cx.doc;
        let mut found: Vec<Diagnostic> = Vec::new();
        for e in &self.entries {
            if e.def.kinds.as_ref().is_some_and(|k| !k.contains(&cx.kind)) {
                continue;
            }
            // Keywords from the engine's pass (an entry without keywords always runs).
            let no_keywords = e.def.keywords.iter().all(String::is_empty);
            if !no_keywords && cx.keywords.get(e.keyword_id) == Some(&false) && !masking_made_keyword(&e.def, doc) {
                continue;
            }
            let text = if e.def.raw { doc.text } else { doc.masked.as_str() };
            let mut seen = 0usize;
            let mut hits: Vec<Span> = Vec::new();
            // Around the keywords when the engine located them and the entry allows it (the
            // same matches as a search of the whole text), unless they cover half of it anyway.
            let windowed = cx
                .keyword_at
                .get(e.keyword_id)
                .and_then(Option::as_ref)
                .and_then(|at| e.reach().map(|r| windows::windows(text, at, r)))
                .filter(|w| w.iter().map(|(a, b)| b - a).sum::<usize>() < text.len() / 2);
            let whole = [(0, text.len())];
            // Else, for an entry whose matches need two capitals side by side and no newline, the
            // runs of the bytes they can hold around such pairs: the same matches.
            let runs;
            let ranges: &[(usize, usize)] = match (&windowed, e.capital_pair_bytes()) {
                (Some(w), _) => w,
                (None, Some(bytes)) if capital_runs_allowed() => {
                    runs = cx.capital_runs(e.def.raw, bytes);
                    &runs
                }
                (None, _) => &whole,
            };
            for re in e.regexes.iter().filter_map(LazyRegex::get) {
                for &(a, b) in ranges {
                    let input = regex_automata::Input::new(text).span(a..b);
                    if let Some(group) = &e.def.group {
                        for caps in re.captures_iter(input) {
                            if let Some(m) = caps.get_group_by_name(group) {
                                hits.push(Span::new(m.start, m.end));
                            }
                        }
                    } else {
                        hits.extend(re.find_iter(input).map(|m| Span::new(m.start(), m.end())));
                    }
                }
            }
            hits.sort();
            hits.dedup();
            for span in hits {
                let span = trim_end(text, span, &e.def.trim_end);
                if span.is_empty() || !e.keep(doc, text, span, rule) {
                    continue;
                }
                seen += 1;
                if seen <= e.def.after {
                    continue;
                }
                found.push(e.diagnostic(doc, span, rule));
            }
        }
        // Leftmost-longest, non-overlapping within the rule.
        found.sort_by_key(|d| (d.span.start, std::cmp::Reverse(d.span.end)));
        let mut end = 0;
        for d in found {
            if d.span.start < end {
                continue;
            }
            end = d.span.end;
            out.push(d);
        }
    }
}

impl CompiledPatterns {
    /// Mark, by keyword id, the entries whose matches all hold one of their keywords within a
    /// bounded reach (see [`super::windows`]): the engine then locates their keywords, in the
    /// text the entry searches (`raw`: the original; `prose`: the masked prose). In `solid`,
    /// the prose entries whose keywords hold no white space (blanking cannot make one).
    pub fn locatable(&self, raw: &mut [bool], prose: &mut [bool], solid: &mut [bool]) {
        for e in &self.entries {
            let out = if e.def.raw { &mut *raw } else { &mut *prose };
            if let Some(slot) = out.get_mut(e.keyword_id) {
                *slot = e.reach().is_some();
            }
            if let Some(slot) = solid.get_mut(e.keyword_id) {
                *slot = !e.def.raw
                    && !e
                        .def
                        .keywords
                        .iter()
                        .any(|k| k.bytes().any(|b| b.is_ascii_whitespace()));
            }
        }
    }

    /// Each entry's keywords, by keyword id, for the engine's one pass over a document.
    pub fn keyword_lists(&self) -> impl Iterator<Item = (usize, &[String])> {
        self.entries.iter().map(|e| (e.keyword_id, e.def.keywords.as_slice()))
    }
}

impl Entry {
    /// Do the filters and guards let this match through?
    fn keep(&self, doc: &Document, text: &str, span: Span, rule: &RuleInfo) -> bool {
        let d = &self.def;
        let matched = &text[span.start..span.end];
        if rule.skip_quoted && !d.raw && is_quoted(&doc.masked, span) {
            return false;
        }
        if !d.blocks.is_empty() && !in_blocks(doc, span.start, &d.blocks) {
            return false;
        }
        if !d.unless_contains.is_empty() {
            let lower = matched.to_ascii_lowercase();
            if d.unless_contains
                .iter()
                .any(|w| lower.contains(&w.to_ascii_lowercase()))
            {
                return false;
            }
        }
        if !d.needs.is_empty() && !d.needs.iter().any(|c| matched.chars().any(|ch| c.matches(ch))) {
            return false;
        }
        if d.min_entropy.is_some_and(|min| entropy(matched) < min) {
            return false;
        }
        if d.min_words > 0 {
            let unknown = matched
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
                .filter(|w| !w.is_empty() && !self.known.contains(&w.to_uppercase()))
                .count();
            if unknown < d.min_words {
                return false;
            }
        }
        self.guards.passes(doc, span)
    }

    fn diagnostic(&self, doc: &Document, span: Span, rule: &RuleInfo) -> Diagnostic {
        let d = &self.def;
        let shown = if !d.raw && !doc.only_blanked {
            // The prose holds bytes of its own (an HTML entity decoded where the entity was):
            // quote what the prose reads ("<insert name>", not ";insert name&"), its white
            // space (and markup blanked inside the match) as single spaces.
            let read: Vec<&str> = doc.masked[span.start..span.end].split_whitespace().collect();
            read.join(" ")
        } else {
            doc.text[span.start..span.end].to_string()
        };
        let shown = if rule.redact { redacted(&shown) } else { shown };
        let message = fill(d.reason.as_deref().unwrap_or(rule.message), &[("{text}", &shown)]);
        let suggestion = d
            .suggestion
            .as_deref()
            .or(rule.suggestion)
            .map(|s| fill(s, &[("{text}", &shown)]));
        let applicability = d.applicability.unwrap_or(Applicability::Unsafe);
        let fix = if d.delete && !rule.redact {
            Some(delete_fix(doc, span, applicability))
        } else {
            d.replacement.as_ref().filter(|_| !rule.redact).map(|r| Fix {
                replacement: r.clone(),
                applicability,
                edits: vec![Edit {
                    span,
                    replacement: r.clone(),
                }],
            })
        };
        Diagnostic {
            rule: rule.id.to_string(),
            severity: rule.forced.or(d.severity).unwrap_or(rule.severity),
            span,
            message,
            suggestion,
            fix,
        }
    }
}

impl CharClass {
    fn matches(self, c: char) -> bool {
        match self {
            CharClass::Digit => c.is_ascii_digit(),
            CharClass::Upper => c.is_uppercase(),
            CharClass::Lower => c.is_lowercase(),
            CharClass::Symbol => !c.is_alphanumeric() && !c.is_whitespace(),
        }
    }
}

/// Is `at` inside a block of one of the selected kinds (the innermost block decides)?
fn in_blocks(doc: &Document, at: usize, sel: &[BlockSel]) -> bool {
    doc.innermost_block(at).is_some_and(|b| {
        let s = match b.kind {
            BlockKind::Paragraph => BlockSel::Paragraph,
            BlockKind::Heading(_) => BlockSel::Heading,
            BlockKind::ListItem { .. } => BlockSel::ListItem,
            BlockKind::TableCell => BlockSel::TableCell,
        };
        sel.contains(&s)
    })
}

fn trim_end(text: &str, span: Span, chars: &str) -> Span {
    if chars.is_empty() {
        return span;
    }
    let t = text[span.start..span.end].trim_end_matches(|c| chars.contains(c));
    Span::new(span.start, span.start + t.len())
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Delete `span`. Spacing, stray commas and the capital at a sentence start are put right by
/// the fix engine's one normalisation step (`fix::edits`), which applies to every rule's edits.
fn delete_fix(_doc: &Document, span: Span, applicability: Applicability) -> Fix {
    Fix {
        replacement: String::new(),
        applicability,
        edits: vec![Edit {
            span,
            replacement: String::new(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `pattern` entry of the built-in packs (read from the packs themselves, not a
    /// copy), with its rule's id.
    fn builtin_entries() -> Vec<(String, PatternDef)> {
        let mut out = Vec::new();
        for json in crate::rules::BUILTIN_PACKS_JSON {
            let pack: crate::rules::Pack = serde_json::from_str(json).unwrap();
            for rule in pack.rule {
                out.extend(rule.pattern.into_iter().map(|def| (rule.id.clone(), def)));
            }
        }
        out
    }

    /// The built-in entries that search only runs around two capitals, and none whose matches
    /// could lack the pair (checked against the packs themselves, not a copy).
    #[test]
    fn shouting_entries_search_capital_runs_only() {
        let mut qualifying = Vec::new();
        for (id, def) in builtin_entries() {
            if def
                .patterns
                .iter()
                .all(|p| super::super::gate::capital_pair_bytes(p, !def.case_sensitive).is_some())
            {
                qualifying.push(id);
            }
        }
        // `shouting`'s two entries, and `template-placeholder`'s unfilled ticket number
        // (`\b(?:INC|CHG|...)0{6,}\b`).
        assert_eq!(qualifying, ["shouting", "shouting", "template-placeholder"]);
        assert!(
            capital_runs_allowed(),
            "tests run with prefilters, where the run search is on"
        );
    }

    /// The table build.rs made holds what the run-time analysis gives, for every built-in entry
    /// pattern (and a pattern in no pack is worked out when asked).
    #[test]
    fn build_time_entry_facts_are_the_run_time_ones() {
        let table = builtin::BUILTIN_ENTRY_FACTS;
        let key = |&(p, ci, k, _, _): &builtin::EntryFacts| (p, ci, k);
        assert!(
            table.windows(2).all(|w| key(&w[0]) < key(&w[1])),
            "sorted for binary search"
        );
        let mut patterns = 0;
        for (_, def) in builtin_entries() {
            let ci = !def.case_sensitive;
            for p in &def.patterns {
                patterns += 1;
                let built = builtin_facts(p, ci, &def.keywords);
                let now = (
                    super::super::gate::capital_pair_bytes(p, ci),
                    windows::reach(p, true, ci, &def.keywords),
                );
                assert_eq!(built, Some(now), "{p}");
            }
        }
        assert!(table.len() <= patterns && table.len() > 20);
        // Shouting's word lists need capitals; the recovery key has a reach.
        assert!(
            table
                .iter()
                .any(|&(p, _, _, capitals, _)| capitals.is_some() && p.contains("NOT"))
        );
        assert!(table.iter().any(|&(_, _, _, _, reach)| reach.is_some()));
        let (p, keywords) = (r"\bzz[0-9]{3}\b", vec!["zz".to_string()]);
        assert_eq!(builtin_facts(p, true, &keywords), None);
        assert!(pattern_reach(p, true, &keywords).is_some());
        assert!(pattern_capitals(p, true, &keywords).is_none());
    }

    /// An entry runs only where one of its keywords occurs, so every match of its patterns must
    /// hold one: else the keywords skip documents the patterns would flag ("It could not be
    /// easier." was missed for want of "easier"). Checked with the windows' analysis, which is
    /// conservative: an entry it cannot prove fails here, to be fixed or to have its pattern
    /// written so that the analysis can follow it.
    #[test]
    fn every_match_of_a_built_in_entry_holds_one_of_its_keywords() {
        let mut unproved = Vec::new();
        for (id, def) in builtin_entries() {
            if def.keywords.iter().all(String::is_empty) {
                continue;
            }
            for p in &def.patterns {
                if !windows::keywords_required(p, !def.case_sensitive, &def.keywords) {
                    unproved.push(format!("{id}: {p}"));
                }
            }
        }
        assert_eq!(unproved, Vec::<String>::new());
    }

    #[test]
    fn punctuation_keywords_are_found_in_the_prose() {
        assert!(contains_punctuation_keyword(b"Hi       , there", b" ,"));
        assert!(contains_punctuation_keyword(b"a\t:", b"\t:"));
        assert!(!contains_punctuation_keyword(b",, a,", b" ,"));
        assert!(!contains_punctuation_keyword(b"", b" ,"));
        assert!(contains_punctuation_keyword(b"a \t b", b" \t"));
        assert!(!contains_punctuation_keyword(b"a\tb", b" \t"));
    }

    #[test]
    fn entropy_separates_keys_from_words() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("password") < 3.0);
        assert!(entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCY") > 4.0);
    }

    #[test]
    fn trim_end_drops_punctuation() {
        let t = "is Winter2024.";
        let s = trim_end(t, Span::new(3, t.len()), ".,");
        assert_eq!(&t[s.start..s.end], "Winter2024");
    }
}
