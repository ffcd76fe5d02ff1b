//! The shapes that run after the shared phrase and regex scan: `metric`, `sections` and
//! `pattern`. The engine compiles one [`CompiledShape`] per rule and calls [`CompiledShape::check`]
//! with a per-document [`Context`] that computes shared work (word and syllable counts) once.

use super::metric::CompiledMetric;
use super::pattern::CompiledPatterns;
use super::require::SentenceHits;
use super::sections::CompiledSections;
use super::{GlossaryEntry, RequireDef, RuleDef, Shape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::profile::{Audience, Kind};
use crate::readability::TextStats;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// What a shape needs to know about the rule it runs for.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo<'a> {
    pub id: &'a str,
    /// The rule's severity (already including a settings override).
    pub severity: Severity,
    /// A settings override, which beats an entry's own severity.
    pub forced: Option<Severity>,
    pub message: &'a str,
    pub suggestion: Option<&'a str>,
    pub skip_quoted: bool,
    pub redact: bool,
}

impl RuleInfo<'_> {
    pub fn diagnostic(&self, span: crate::diagnostic::Span, message: String, suggestion: Option<String>) -> Diagnostic {
        Diagnostic {
            rule: self.id.to_string(),
            severity: self.severity,
            span,
            message,
            suggestion,
            fix: None,
        }
    }
}

/// One document being checked, with lazily computed shared counts.
pub struct Context<'d, 'a> {
    pub doc: &'d Document<'a>,
    pub kind: Kind,
    pub audience: Audience,
    /// Per `pattern` keyword id, from the engine's pass over the document: does one of the
    /// entry's keywords occur? (An id past the end counts as present.)
    pub keywords: &'d [bool],
    /// Per `pattern` keyword id, where the keywords occur, when the engine located them (see
    /// [`super::windows`]).
    pub keyword_at: &'d [Option<Vec<(u32, u32)>>],
    /// Which sentences each cue group's phrases hit (`require` and `sections` cues).
    pub sentence_hits: &'d SentenceHits,
    stats: OnceLock<TextStats>,
    labels: OnceLock<LabelLines>,
}

/// The lines of a document that could be a heading or a "Label:" line (short, or with a colon
/// near the start), copied into one string so that heading patterns scan a few hundred bytes
/// instead of the whole document.
#[derive(Debug, Default)]
pub struct LabelLines {
    pub text: String,
    /// (offset in `text`, offset in the document) of each copied line.
    pub starts: Vec<(usize, usize)>,
}

impl LabelLines {
    /// The document offset of an offset in `text`.
    pub fn to_doc(&self, at: usize) -> usize {
        let i = self.starts.partition_point(|&(t, _)| t <= at).saturating_sub(1);
        let (t, d) = self.starts[i];
        d + (at - t)
    }
}

/// The hits of a document without cue groups.
static NO_HITS: SentenceHits = SentenceHits::EMPTY;

impl<'d, 'a> Context<'d, 'a> {
    pub fn new(doc: &'d Document<'a>, kind: Kind, audience: Audience) -> Self {
        Context {
            doc,
            kind,
            audience,
            keywords: &[],
            keyword_at: &[],
            sentence_hits: &NO_HITS,
            stats: OnceLock::new(),
            labels: OnceLock::new(),
        }
    }

    /// Words and syllables per sentence, computed on first use and shared by every metric rule.
    pub fn stats(&self) -> &TextStats {
        self.stats.get_or_init(|| TextStats::of(self.doc))
    }

    /// The full statistics if some rule has computed them already.
    pub fn stats_if_computed(&self) -> Option<&TextStats> {
        self.stats.get()
    }

    /// Does the prose have at least `min` words (as the reading grade counts them)? Stops
    /// counting at `min` when the full statistics are not computed anyway.
    pub fn has_words(&self, min: u32) -> bool {
        if let Some(st) = self.stats.get() {
            return st.words() >= min;
        }
        let mut n = 0;
        for s in self.doc.sentences() {
            n += self.doc.masked[s.start..s.end]
                .split_ascii_whitespace()
                .filter(|t| t.bytes().any(|b| b.is_ascii_alphanumeric() || b >= 0x80))
                .count() as u32;
            if n >= min {
                return true;
            }
        }
        false
    }

    /// Candidate heading and label lines of the prose, computed once per document.
    pub fn label_lines(&self) -> &LabelLines {
        self.labels.get_or_init(|| {
            let masked = &self.doc.masked;
            let mut out = LabelLines::default();
            for (start, line) in crate::document::lines_at(masked) {
                // ASCII whitespace first, byte by byte (see `Engine::detect_from`).
                let trimmed = line.trim_ascii_start().trim_start();
                let lead = line.len() - trimmed.len();
                let t = trimmed.trim_ascii_end().trim_end();
                if !t.is_empty() && (t.len() <= 100 || t.as_bytes()[..100].contains(&b':')) {
                    out.starts.push((out.text.len(), start + lead));
                    out.text.push_str(t);
                    out.text.push('\n');
                }
            }
            out
        })
    }
}

/// What compiling a shape may look at besides its own rule.
pub struct Known {
    /// Every rule's `require` table by id (for `cues_from`).
    pub requires: HashMap<String, RequireDef>,
    /// Glossary forms written without lowercase letters (acronyms), and accepted words, upper-cased.
    pub acronyms: HashSet<String>,
    /// The rule being compiled comes from a built-in pack, whose patterns the test suite
    /// compiles: its shapes skip validating them at load (start-up time).
    pub trusted: bool,
}

impl Known {
    pub fn new(defs: &[RuleDef], glossary: &[GlossaryEntry], accepted: &[String]) -> Self {
        let requires = defs
            .iter()
            .filter_map(|d| d.require.as_ref().map(|r| (d.id.clone(), r.clone())))
            .collect();
        let mut acronyms = HashSet::new();
        for e in glossary {
            for f in e.forms.iter().chain(std::iter::once(&e.term)) {
                for w in f.split(|c: char| !c.is_alphanumeric()) {
                    if w.len() >= 2 && !w.chars().any(char::is_lowercase) {
                        acronyms.insert(w.to_string());
                    }
                }
            }
        }
        acronyms.extend(accepted.iter().map(|w| w.to_uppercase()));
        Known {
            requires,
            acronyms,
            trusted: false,
        }
    }
}

#[derive(Debug)]
pub enum CompiledShape {
    Metric(CompiledMetric),
    Sections(CompiledSections),
    Pattern(CompiledPatterns),
}

impl CompiledShape {
    /// Compile the shape of `def` when it is one of the shapes here. `keyword_ids` hands out
    /// ids for the keyword lists of `pattern` entries (see [`CompiledShape::keyword_lists`]),
    /// `groups` those of `sections` cue groups (see [`CompiledShape::cue_groups`]).
    pub fn new(
        def: &RuleDef,
        known: &Known,
        keyword_ids: &mut usize,
        groups: &mut usize,
    ) -> Result<Option<Self>, String> {
        Ok(match def.shape {
            Shape::Metric => {
                let m = def
                    .metric
                    .as_ref()
                    .ok_or("shape `metric` needs a [rule.metric] table")?;
                Some(CompiledShape::Metric(CompiledMetric::new(m)?))
            }
            Shape::Sections => {
                let s = def
                    .sections
                    .as_ref()
                    .ok_or("shape `sections` needs a [rule.sections] table")?;
                Some(CompiledShape::Sections(CompiledSections::new(s, known, groups)?))
            }
            Shape::Pattern => {
                if def.pattern.is_empty() {
                    return Err("shape `pattern` needs [[rule.pattern]] entries".into());
                }
                Some(CompiledShape::Pattern(CompiledPatterns::new(
                    &def.pattern,
                    known,
                    keyword_ids,
                )?))
            }
            Shape::Terms | Shape::Glossary | Shape::Require => None,
        })
    }

    /// The keyword lists of `pattern` entries, by keyword id.
    pub fn keyword_lists(&self) -> Vec<(usize, &[String])> {
        match self {
            CompiledShape::Pattern(p) => p.keyword_lists().collect(),
            CompiledShape::Metric(_) | CompiledShape::Sections(_) => Vec::new(),
        }
    }

    /// Does the shape have cue groups (whose sentence hits it reads)?
    pub fn has_cue_groups(&self) -> bool {
        matches!(self, CompiledShape::Sections(s) if s.cue_groups().next().is_some())
    }

    /// The cue groups of a `sections` shape, whose phrases join the engine's phrase index.
    pub fn cue_groups(&self) -> Vec<&super::require::Group> {
        match self {
            CompiledShape::Sections(s) => s.cue_groups().collect(),
            CompiledShape::Metric(_) | CompiledShape::Pattern(_) => Vec::new(),
        }
    }

    /// Will checking for `audience` compute the document's reading statistics?
    pub fn needs_stats(&self, audience: Audience) -> bool {
        matches!(self, CompiledShape::Metric(m) if m.needs_stats(audience))
    }

    /// Mark, by keyword id, the `pattern` entries whose matches can be searched for around
    /// their keywords only (see [`super::windows`]): in `raw` those that search the original
    /// text, in `prose` those that search the prose.
    pub fn locatable(&self, raw: &mut [bool], prose: &mut [bool]) {
        if let CompiledShape::Pattern(p) = self {
            p.locatable(raw, prose);
        }
    }

    /// Every lazily compiled regex of the shape.
    pub fn regexes(&self) -> Vec<&super::require::LazyRegex> {
        match self {
            CompiledShape::Metric(_) => Vec::new(),
            CompiledShape::Sections(s) => s.regexes(),
            CompiledShape::Pattern(p) => p.regexes().collect(),
        }
    }

    /// Compile every lazily compiled pattern now.
    pub fn force(&self) -> Result<(), String> {
        match self {
            CompiledShape::Metric(_) => Ok(()),
            CompiledShape::Sections(s) => s.force(),
            CompiledShape::Pattern(p) => p.force(),
        }
    }

    pub fn check(&self, cx: &Context, rule: &RuleInfo, out: &mut Vec<Diagnostic>) {
        match self {
            CompiledShape::Metric(m) => m.check(cx, rule, out),
            CompiledShape::Sections(s) => s.check(cx, rule, out),
            CompiledShape::Pattern(p) => p.check(cx, rule, out),
        }
    }
}

/// Show a sensitive matched text: a few leading characters and an ellipsis, never the whole.
/// Four characters for long values; fewer for short ones, so little of a short password shows.
pub fn redacted(text: &str) -> String {
    let n = text.chars().count();
    let keep = if n >= 16 { 4 } else { n / 4 };
    let mut out: String = text.chars().take(keep).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_little() {
        assert_eq!(redacted("AKIAABCDEFGHIJKLMNOP"), "AKIA…");
        assert_eq!(redacted("Winter2024"), "Wi…");
        assert_eq!(redacted("abc"), "…");
    }
}
