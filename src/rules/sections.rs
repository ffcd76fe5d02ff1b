//! The `sections` shape: named parts a document must contain, each found by a heading or label
//! ("Symptoms", "Steps tried:"), by cue sentences (as in `require`: one sentence matching a
//! pattern of every group), by `anywhere` patterns, or by a list of a given kind (numbered steps).
//! One finding names every missing part ("this handoff does not say: what was tried and who to
//! contact").
//!
//! A part may have to be in a region: the first or last paragraphs or sentences, skipping
//! paragraphs that only greet or sign off (`within = { from = "start", sentences = 1 }`). With
//! `report = "misplaced"`, the rule instead reports a part that the document has, but not in its
//! region (the impact statement after the technical detail); the finding then marks where it is.

use super::require::{self, Group, LazyAlternation, LazyRegex, SentenceHits};
use super::shapes::{Context, Known, RuleInfo};
use super::{Anchor, SentenceCue};
use crate::diagnostic::{Diagnostic, Span};
use crate::document::{BlockKind, Document};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionsDef {
    pub part: Vec<PartDef>,
    /// The rule does not apply to a document where one of these matches (`(?m)` line anchors),
    /// e.g. an incident that says it is resolved needs no next-update time.
    #[serde(default)]
    pub unless_document: Vec<String>,
    /// The rule applies only to a document where one of these matches (`(?m)` line anchors),
    /// e.g. an incident update that says the work is still going on.
    #[serde(default)]
    pub if_document: Vec<String>,
    #[serde(default)]
    pub report: Report,
    /// Where a "missing" finding goes.
    #[serde(default)]
    pub at: Anchor,
    /// Skip documents with fewer words of prose than this.
    #[serde(default)]
    pub min_words: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Report {
    /// A part found nowhere in its region.
    #[default]
    Missing,
    /// A part found in the document but not in its region.
    Misplaced,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartDef {
    /// How the message names the part ("the symptoms").
    pub name: String,
    /// Heading or label words that introduce the part: a heading, or a line starting with one
    /// of these (whole words, up to a few more words) and ending in a colon or the line end.
    #[serde(default)]
    pub headings: Vec<String>,
    /// Cue sentences, as in `require`.
    #[serde(default)]
    pub sentence: Vec<SentenceCue>,
    /// Any match in the region satisfies the part (`(?m)` line anchors).
    #[serde(default)]
    pub anywhere: Vec<String>,
    /// Any match in the original text satisfies the part, markup and front matter included
    /// (an `appliesto:` key in the front matter).
    #[serde(default)]
    pub raw_anywhere: Vec<String>,
    /// The part is required only in a document where one of these matches the prose (`(?m)`),
    /// e.g. numbered steps only where there are steps.
    #[serde(default)]
    pub if_document: Vec<String>,
    /// Sentences matching these never count.
    #[serde(default)]
    pub unless: Vec<String>,
    /// Also use the cues of this rule's `[rule.require]` table.
    #[serde(default)]
    pub cues_from: Option<String>,
    /// A list item of this kind in the region satisfies the part.
    #[serde(default)]
    pub list: Option<ListKind>,
    /// Where the part must be (default: anywhere in the document).
    #[serde(default)]
    pub within: Option<Region>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    Ordered,
    Any,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub from: Anchor,
    /// Count this many paragraphs (headings excluded) from that end.
    #[serde(default)]
    pub paragraphs: Option<usize>,
    /// Or this many sentences.
    #[serde(default)]
    pub sentences: Option<usize>,
    /// Paragraphs or sentences that match one of these as a whole do not count (greetings,
    /// "Thanks for your patience", status labels).
    #[serde(default)]
    pub skip: Vec<String>,
}

#[derive(Debug)]
struct CompiledRegion {
    from: Anchor,
    by_sentence: bool,
    count: usize,
    skip: Option<LazyAlternation>,
}

#[derive(Debug)]
struct CompiledPart {
    name: String,
    headings: Option<Headings>,
    cues: Vec<Cue>,
    anywhere: Option<LazyAlternation>,
    raw_anywhere: Option<LazyAlternation>,
    if_document: Option<LazyAlternation>,
    unless: Option<LazyAlternation>,
    list: Option<ListKind>,
    within: Option<CompiledRegion>,
}

/// One way a sentence can carry a part: a match of every group. The groups are `require`'s:
/// finite patterns are phrases of the engine's shared index (which reports the sentences they
/// hit), the others regexes tried on the sentence.
#[derive(Debug)]
struct Cue {
    groups: Vec<Group>,
    /// A group without `^`/`$` anchors: its phrase hits and a search of the whole region for its
    /// regexes find every sentence that could match, so only those sentences are checked (one
    /// scan instead of one regex call per sentence).
    scan: Option<usize>,
}

impl Cue {
    fn matches(&self, hits: &SentenceHits, i: usize, sentence: &str) -> bool {
        self.groups.iter().all(|g| g.matches(hits, i, sentence))
    }
}

/// How a part's heading or label lines are found.
#[derive(Debug)]
enum Headings {
    /// The heading patterns' strings (lowercase ASCII, each starting and ending with a letter or
    /// digit): a line matches without a regex (see [`heading_line`]).
    Phrases(Vec<Vec<u8>>),
    /// Open-ended heading patterns: one regex over the label lines.
    Regex(LazyAlternation),
}

/// The characters a heading or label may continue with before its colon or the line end.
fn heading_tail(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b' ' | b'\t' | b',' | b'\'' | b'(' | b')' | b'/' | b'&' | b'_' | b'-')
}

/// The strings of the heading patterns when every pattern is finite and its strings are plain
/// enough to match by comparison: ASCII, a letter or digit at both ends (for the word boundary),
/// no digit first (after an optional "1." step number), only characters a heading tail allows.
/// `None`: keep the regex.
fn heading_phrases(patterns: &[String]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for p in patterns {
        let e = require::validate_and_expand(p).ok()??;
        if e.anchored {
            return None;
        }
        for ph in e.phrases {
            let b = ph.as_bytes();
            let plain = !b.is_empty()
                && b.iter().all(|&c| c.is_ascii() && heading_tail(c))
                && b[0].is_ascii_alphabetic()
                && b[b.len() - 1].is_ascii_alphanumeric();
            if !plain {
                return None;
            }
            out.push(ph.into_bytes());
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// Is `line` (a label line: no newline, trimmed) a heading or label for one of `phrases`? The same
/// language as the regex `^(?:\d{1,2}[.)][ \t]*)?(?:PHRASES)\b[A-Za-z0-9 \t,'()/&_-]{0,60}(?::|$)`,
/// ASCII case-insensitive; returns the match's length (to the colon, or the whole line).
fn heading_line(line: &[u8], phrases: &[Vec<u8>]) -> Option<usize> {
    // An optional step number: one or two digits and "." or ")".
    let digits = line.iter().take(3).take_while(|b| b.is_ascii_digit()).count();
    let mut p = 0;
    if (1..=2).contains(&digits) && matches!(line.get(digits), Some(b'.' | b')')) {
        p = digits + 1;
        while matches!(line.get(p), Some(b' ' | b'\t')) {
            p += 1;
        }
    }
    let rest = &line[p..];
    let first = rest.first()?.to_ascii_lowercase();
    let start = phrases.partition_point(|ph| ph[0] < first);
    for ph in phrases[start..].iter().take_while(|ph| ph[0] == first) {
        if rest.len() < ph.len() || !rest[..ph.len()].eq_ignore_ascii_case(ph) {
            continue;
        }
        let q = p + ph.len();
        // `\b` after a phrase that ends in a word character.
        if line.get(q).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_') {
            continue;
        }
        let run = line[q..].iter().take_while(|&&c| heading_tail(c)).count();
        if run > 60 {
            continue;
        }
        match line.get(q + run) {
            None => return Some(line.len()),
            Some(b':') => return Some(q + run + 1),
            Some(_) => {}
        }
    }
    None
}

/// Does a pattern use a line or text anchor (`^`, `$`, `\A`, `\z`) outside a character class?
fn has_anchor(p: &str) -> bool {
    let mut escaped = false;
    let mut class = 0usize;
    for c in p.chars() {
        if escaped {
            if class == 0 && matches!(c, 'A' | 'z') {
                return true;
            }
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => class += 1,
            ']' if class > 0 => class -= 1,
            '^' if class == 0 => return true,
            '$' if class == 0 => return true,
            _ => {}
        }
    }
    false
}

#[derive(Debug)]
pub struct CompiledSections {
    parts: Vec<CompiledPart>,
    unless_document: Option<LazyAlternation>,
    if_document: Option<LazyAlternation>,
    report: Report,
    at: Anchor,
    min_words: u32,
}

impl CompiledSections {
    /// Compile `def`; `next_group` hands out the ids of the cue groups (see
    /// [`CompiledSections::cue_groups`]).
    pub fn new(def: &SectionsDef, known: &Known, next_group: &mut usize) -> Result<Self, String> {
        if def.part.is_empty() {
            return Err("shape `sections` needs at least one [[rule.sections.part]]".into());
        }
        let lazy =
            |patterns: &[String], multi_line: bool| LazyAlternation::checked(patterns, multi_line, !known.trusted);
        let mut parts = Vec::new();
        for p in &def.part {
            let mut sentence = p.sentence.clone();
            let mut anywhere = p.anywhere.clone();
            let mut unless = p.unless.clone();
            if let Some(id) = &p.cues_from {
                let r = known.requires.get(id).ok_or_else(|| {
                    format!(
                        "part `{}`: `cues_from` names `{id}`, which has no [rule.require]",
                        p.name
                    )
                })?;
                sentence.extend(r.sentence.iter().cloned());
                anywhere.extend(r.anywhere.iter().cloned());
                unless.extend(r.unless.iter().cloned());
            }
            let headings = if p.headings.is_empty() {
                None
            } else if let Some(phrases) = heading_phrases(&p.headings) {
                Some(Headings::Phrases(phrases))
            } else {
                let alt = p
                    .headings
                    .iter()
                    .map(|h| format!("(?:{h})"))
                    .collect::<Vec<_>>()
                    .join("|");
                lazy(
                    &[format!(
                        r"^[ \t]*(?:\d{{1,2}}[.)][ \t]*)?(?:{alt})\b[A-Za-z0-9 \t,'()/&_-]{{0,60}}(?::|[ \t]*$)"
                    )],
                    true,
                )?
                .map(Headings::Regex)
            };
            let mut cues = Vec::new();
            for cue in &sentence {
                let mut groups = Vec::new();
                let mut scan = None;
                for g in cue.all.iter().filter(|g| !g.is_empty()) {
                    if scan.is_none() && !g.iter().any(|p| has_anchor(p)) {
                        scan = Some(groups.len());
                    }
                    groups.push(Group::cue(g, next_group)?);
                }
                if !groups.is_empty() {
                    cues.push(Cue { groups, scan });
                }
            }
            let within = match &p.within {
                None => None,
                Some(r) => {
                    let (by_sentence, count) = match (r.paragraphs, r.sentences) {
                        (Some(n), None) => (false, n),
                        (None, Some(n)) => (true, n),
                        _ => {
                            return Err(format!(
                                "part `{}`: `within` needs one of `paragraphs` or `sentences`",
                                p.name
                            ));
                        }
                    };
                    let skip: Vec<String> = r.skip.iter().map(|s| format!(r"^\s*(?:{s})\s*$")).collect();
                    Some(CompiledRegion {
                        from: r.from,
                        by_sentence,
                        count: count.max(1),
                        skip: lazy(&skip, false)?,
                    })
                }
            };
            parts.push(CompiledPart {
                name: p.name.clone(),
                headings,
                cues,
                anywhere: lazy(&anywhere, true)?,
                raw_anywhere: lazy(&p.raw_anywhere, true)?,
                if_document: lazy(&p.if_document, true)?,
                unless: lazy(&unless, false)?,
                list: p.list,
                within,
            });
        }
        Ok(CompiledSections {
            parts,
            unless_document: lazy(&def.unless_document, true)?,
            if_document: lazy(&def.if_document, true)?,
            report: def.report,
            at: def.at,
            min_words: def.min_words,
        })
    }

    /// Every lazily compiled pattern of the shape.
    pub fn regexes(&self) -> Vec<&LazyRegex> {
        let mut all = Vec::new();
        for p in &self.parts {
            all.extend(
                p.headings
                    .iter()
                    .filter_map(|h| match h {
                        Headings::Regex(re) => Some(re),
                        Headings::Phrases(_) => None,
                    })
                    .chain(p.anywhere.iter())
                    .chain(p.raw_anywhere.iter())
                    .chain(p.if_document.iter())
                    .chain(p.unless.iter())
                    .chain(p.within.iter().flat_map(|w| w.skip.iter()))
                    .map(LazyAlternation::lazy)
                    .chain(p.cues.iter().flat_map(|c| c.groups.iter()).flat_map(Group::regexes)),
            );
        }
        all.extend(
            self.unless_document
                .iter()
                .chain(self.if_document.iter())
                .map(LazyAlternation::lazy),
        );
        all
    }

    /// The groups of every cue: their phrases join the engine's phrase index under their ids.
    pub fn cue_groups(&self) -> impl Iterator<Item = &Group> {
        self.parts
            .iter()
            .flat_map(|p| p.cues.iter())
            .flat_map(|c| c.groups.iter())
    }

    /// Compile every regex now (the error quotes an alternation as compiled, not as written).
    pub fn force(&self) -> Result<(), require::PatternError> {
        self.regexes().into_iter().try_for_each(LazyRegex::force)
    }

    pub fn check(&self, cx: &Context, rule: &RuleInfo, out: &mut Vec<Diagnostic>) {
        let doc = cx.doc;
        if doc.sentences().is_empty() {
            return;
        }
        if self.min_words > 0 && !cx.has_words(self.min_words) {
            return;
        }
        if self.if_document.as_ref().is_some_and(|re| !re.is_match(&doc.masked))
            || self.unless_document.as_ref().is_some_and(|re| re.is_match(&doc.masked))
        {
            return;
        }
        let fill = |template: &str, names: &str| {
            crate::diagnostic::fill(template, &[("{missing}", names), ("{kind}", cx.kind.as_str())])
        };
        match self.report {
            Report::Missing => {
                let missing: Vec<&str> = self
                    .parts
                    .iter()
                    .filter(|p| {
                        let range = p.within.as_ref().map_or((0, doc.masked.len()), |r| r.range(doc));
                        p.find(cx, range, false).is_none()
                    })
                    .filter(|p| p.if_document.as_ref().is_none_or(|re| re.is_match(&doc.masked)))
                    .map(|p| p.name.as_str())
                    .collect();
                if missing.is_empty() {
                    return;
                }
                let names = join_names(&missing);
                let at = match self.at {
                    Anchor::Start => doc.start_of_prose(),
                    Anchor::End => doc.end_of_prose(),
                };
                out.push(rule.diagnostic(
                    Span::empty(at),
                    fill(rule.message, &names),
                    rule.suggestion.map(|s| fill(s, &names)),
                ));
            }
            Report::Misplaced => {
                for p in &self.parts {
                    let Some(region) = &p.within else { continue };
                    let (a, b) = region.range(doc);
                    if p.find(cx, (a, b), false).is_some() {
                        continue;
                    }
                    // Found later in the document: mark where it is.
                    if let Some(span) = p.find(cx, (b, doc.masked.len()), true) {
                        out.push(rule.diagnostic(
                            span,
                            fill(rule.message, &p.name),
                            rule.suggestion.map(|s| fill(s, &p.name)),
                        ));
                    }
                }
            }
        }
    }
}

impl CompiledPart {
    /// Evidence of this part in the byte range `[a, b)` of the prose: the earliest when
    /// `earliest`, else whichever is cheapest to find.
    fn find(&self, cx: &Context, (a, b): (usize, usize), earliest: bool) -> Option<Span> {
        let doc = cx.doc;
        if a >= b {
            return None;
        }
        let mut best: Option<Span> = None;
        fn consider(best: &mut Option<Span>, s: Span) {
            if best.is_none_or(|x| s.start < x.start) {
                *best = Some(s);
            }
        }
        // Cheapest first: a list item, a front-matter key, a heading or label line.
        if let Some(kind) = self.list
            && let Some(item) = doc.blocks.iter().find(|bl| {
                bl.span.start >= a
                    && bl.span.start < b
                    && match (kind, bl.kind) {
                        (ListKind::Ordered, BlockKind::ListItem { ordered }) => ordered,
                        (ListKind::Any, BlockKind::ListItem { .. }) => true,
                        _ => false,
                    }
            })
        {
            consider(&mut best, item.span);
        }
        if let Some(re) = self.raw_anywhere.as_ref().and_then(LazyAlternation::get)
            && let Some(m) = re.find(&doc.text[a..b])
        {
            consider(&mut best, Span::new(a + m.start(), a + m.end()));
        }
        match &self.headings {
            Some(Headings::Phrases(phrases)) => {
                let lines = cx.label_lines();
                let from = lines.partition_point(|&(d, _)| d < a);
                for &(d, e) in &lines[from..] {
                    if d >= b {
                        break;
                    }
                    if let Some(len) = heading_line(&doc.masked.as_bytes()[d..e], phrases) {
                        consider(&mut best, Span::new(d, d + len));
                        break;
                    }
                }
            }
            Some(Headings::Regex(re)) => {
                if let Some(re) = re.get() {
                    let labels = cx.joined_labels();
                    for m in re.find_iter(&labels.text) {
                        let (s, e) = trim_span(&labels.text, m.start(), m.end());
                        let (s, e) = (labels.to_doc(s), labels.to_doc(s) + (e - s));
                        if s >= b {
                            break;
                        }
                        if s >= a {
                            consider(&mut best, Span::new(s, e));
                            break;
                        }
                    }
                }
            }
            None => {}
        }
        if best.is_some() && !earliest {
            return best;
        }
        if let Some(re) = self.anywhere.as_ref().and_then(LazyAlternation::get)
            && let Some(m) = re.find(&doc.masked[a..b])
        {
            let text = &doc.masked[a..b];
            let m = trim_span(text, m.start(), m.end());
            consider(&mut best, Span::new(a + m.0, a + m.1));
        }
        if best.is_some() && !earliest {
            return best;
        }
        if !self.cues.is_empty() {
            let stop = if earliest { best.map_or(b, |x| x.start) } else { b };
            if let Some(s) = self.first_sentence(doc, cx.sentence_hits, a, stop) {
                consider(&mut best, s);
            }
        }
        best
    }
}

impl CompiledPart {
    /// The first sentence inside `[a, b)` that carries one of the cues and no `unless`.
    fn first_sentence(&self, doc: &Document, hits: &SentenceHits, a: usize, b: usize) -> Option<Span> {
        let sentences = doc.sentences();
        let first = sentences.partition_point(|s| s.start < a);
        let end = first + sentences[first..].partition_point(|s| s.end <= b);
        let ok = |i: usize, cue: &Cue| {
            let text = &doc.masked[sentences[i].start..sentences[i].end];
            cue.matches(hits, i, text) && !self.unless.as_ref().is_some_and(|re| re.is_match(text))
        };
        let mut found: Option<usize> = None;
        for cue in &self.cues {
            // Only sentences before the best so far can improve on it.
            let limit = found.unwrap_or(end);
            if first >= limit {
                break;
            }
            let hit = match cue.scan.map(|g| &cue.groups[g]) {
                Some(group) => {
                    // Check only the sentences where the scan group's phrases hit or one of its
                    // regexes' matches starts, in order: for each regex, the sentence of its
                    // next match (searched again once the candidates pass it).
                    let hay_end = sentences[limit - 1].end;
                    let regexes: Vec<&require::Regex> = group.regexes().filter_map(LazyRegex::get).collect();
                    let mut next_match: Vec<Option<usize>> = vec![None; regexes.len()];
                    let next_regex_sentence = |re: &require::Regex, from: usize| -> usize {
                        let mut i = from;
                        while i < limit {
                            let Some(m) = re.find(require::input_from(&doc.masked[..hay_end], sentences[i].start))
                            else {
                                return limit;
                            };
                            let j = i + sentences[i..limit].partition_point(|s| s.end <= m.start());
                            if j >= limit {
                                return limit;
                            }
                            if sentences[j].start > m.start() {
                                // The match starts between sentences: look again from the next one.
                                i = j;
                                continue;
                            }
                            return j;
                        }
                        limit
                    };
                    let mut i = first;
                    let mut hit = None;
                    while i < limit {
                        let mut j = hits.next(group.id, i).unwrap_or(limit).min(limit);
                        for (k, re) in regexes.iter().enumerate() {
                            let at = match next_match[k] {
                                Some(at) if at >= i => at,
                                _ => {
                                    let at = next_regex_sentence(re, i);
                                    next_match[k] = Some(at);
                                    at
                                }
                            };
                            j = j.min(at);
                        }
                        if j >= limit {
                            break;
                        }
                        if ok(j, cue) {
                            hit = Some(j);
                            break;
                        }
                        i = j + 1;
                    }
                    hit
                }
                None => (first..limit).find(|&i| ok(i, cue)),
            };
            if let Some(h) = hit {
                found = Some(h);
            }
        }
        found.map(|i| sentences[i])
    }
}

impl CompiledRegion {
    /// The byte range of the region in the document.
    fn range(&self, doc: &Document) -> (usize, usize) {
        let len = doc.masked.len();
        let units: Vec<Span> = if self.by_sentence {
            doc.sentences().to_vec()
        } else {
            paragraphs(doc)
        };
        let kept = |s: &&Span| {
            let t = doc.masked[s.start..s.end].trim();
            !t.is_empty() && !self.skip.as_ref().is_some_and(|re| re.is_match(t))
        };
        match self.from {
            Anchor::Start => match units.iter().filter(kept).take(self.count).last() {
                Some(last) => (0, last.end),
                None => (0, len),
            },
            Anchor::End => match units.iter().rev().filter(kept).take(self.count).last() {
                Some(first) => (first.start, len),
                None => (0, len),
            },
        }
    }
}

/// Outermost non-heading blocks with prose, in order (a list item's inner paragraph belongs to
/// the item). Falls back to sentences when the parser gave no blocks.
fn paragraphs(doc: &Document) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for b in &doc.blocks {
        if matches!(b.kind, BlockKind::Heading(_)) {
            continue;
        }
        if out.last().is_some_and(|l| b.span.start < l.end) {
            continue;
        }
        if doc.masked[b.span.start..b.span.end].trim().is_empty() {
            continue;
        }
        out.push(b.span);
    }
    if out.is_empty() { doc.sentences().to_vec() } else { out }
}

fn trim_span(text: &str, s: usize, e: usize) -> (usize, usize) {
    let slice = &text[s..e];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail >= slice.len() {
        (s, s)
    } else {
        (s + lead, e - trail)
    }
}

/// "a", "a and b", "a, b and c".
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_found_outside_classes() {
        assert!(has_anchor("^(?:hi|hello)"));
        assert!(has_anchor("done$"));
        assert!(has_anchor(r"\Afoo"));
        assert!(!has_anchor(r"\bif [^.?!]*\bstill\b"));
        assert!(!has_anchor(r"\$\{x\}"));
    }

    #[test]
    fn heading_lines_match_like_the_regex() {
        let heads: Vec<String> = ["symptoms?", "applies to", "roll ?-?back(?: plan)?", "fix(?:es)?"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let phrases = heading_phrases(&heads).unwrap();
        let alt = heads.iter().map(|h| format!("(?:{h})")).collect::<Vec<_>>().join("|");
        let re = require::compile_with_case(
            &format!(r"^[ \t]*(?:\d{{1,2}}[.)][ \t]*)?(?:{alt})\b[A-Za-z0-9 \t,'()/&_-]{{0,60}}(?::|[ \t]*$)"),
            true,
            true,
        )
        .unwrap();
        for line in [
            "Symptoms",
            "SYMPTOM:",
            "Symptoms: the app crashes",
            "1. Symptoms",
            "12) Applies to: Windows 11",
            "123. Symptoms",
            "Symptomatic relief",
            "Applies to Windows 10, 11 and Server (2019/2022) & later",
            "Rollback plan:",
            "Roll-back",
            "roll back plan - see below:",
            "Fixes",
            "Fixing it",
            "Fix the printer.",
            "Fix: restart the spooler",
            "Applies to a very long list of products that goes on and on and on past sixty characters:",
            "Symptoms!",
            "Symptoms é",
            "",
            "3.",
        ] {
            let want = re.find(line).map(|m| m.end());
            assert_eq!(heading_line(line.as_bytes(), &phrases), want, "{line:?}");
        }
        // Open-ended or unusual headings keep the regex.
        assert!(heading_phrases(&["step \\d+".to_string()]).is_none());
        assert!(heading_phrases(&["faq\\?".to_string()]).is_none());
    }

    #[test]
    fn names_join_in_english() {
        assert_eq!(join_names(&["a"]), "a");
        assert_eq!(join_names(&["a", "b"]), "a and b");
        assert_eq!(join_names(&["a", "b", "c"]), "a, b and c");
    }
}
