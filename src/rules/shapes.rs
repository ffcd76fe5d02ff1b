//! The shapes that run after the shared phrase and regex scan: `metric`, `sections` and
//! `pattern`. The engine compiles one [`CompiledShape`] per rule and calls [`CompiledShape::check`]
//! with a per-document [`Context`] that computes shared work (word and syllable counts) once.

use super::gate::{ByteSet, has_byte};
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
    joined_labels: OnceLock<JoinedLabels>,
    /// [`Context::capital_lines`] of the original text and of the masked text.
    capitals: [OnceLock<Vec<(usize, usize)>>; 2],
}

/// [`Document::label_lines`] copied into one string, one line each, for heading regexes (a few
/// hundred bytes instead of the whole document), made only when one asks. (The copy for every
/// document cost the 10 MB bench file 2.5 MB at its peak RSS, where the built-in packs'
/// headings are all phrases.)
#[derive(Debug, Default)]
pub struct JoinedLabels {
    pub text: String,
    /// (offset in `text`, offset in the document) of each copied line.
    pub starts: Vec<(usize, usize)>,
}

impl JoinedLabels {
    /// The document offset of an offset in `text`.
    pub fn to_doc(&self, at: usize) -> usize {
        let i = self.starts.partition_point(|&(t, _)| t <= at).saturating_sub(1);
        let (t, d) = self.starts[i];
        d + (at - t)
    }
}

/// See [`Context::capital_lines`].
fn capital_lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(at) = capital_pair(bytes, from) {
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n + 1);
        match lines.last_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => lines.push((start, end)),
        }
        from = end;
    }
    lines
}

/// The first offset at or after `from` of two ASCII capitals side by side: eight bytes at a time,
/// seven apart so that a pair across two loads is in the next.
fn capital_pair(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let m = crate::document::ascii_upper_bits(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        // A byte's bit stays where the next byte is a capital too.
        let pairs = m & (m >> 8);
        if pairs != 0 {
            return Some(i + (pairs.trailing_zeros() / 8) as usize);
        }
        i += 7;
    }
    let rest = bytes.get(i..).unwrap_or_default();
    let k = rest
        .windows(2)
        .position(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())?;
    Some(i + k)
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
            joined_labels: OnceLock::new(),
            capitals: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// The lines of the original text (`raw`) or of the masked text that hold two ASCII capitals
    /// side by side, as byte ranges (each with its newline; adjacent lines merged), computed
    /// once per document: where [`Context::capital_runs`] looks.
    fn capital_lines(&self, raw: bool) -> &[(usize, usize)] {
        let text = if raw { self.doc.text } else { self.doc.masked.as_str() };
        self.capitals[usize::from(!raw)].get_or_init(|| capital_lines(text))
    }

    /// The maximal runs of `bytes` in the original text (`raw`) or the masked text that hold two
    /// ASCII capitals side by side, both in `bytes`, as byte ranges in order: where a `pattern`
    /// entry is searched when every match of it holds such a pair and only `bytes` (see
    /// [`super::gate::capital_pair_bytes`]). Such a match holds a pair of `bytes`, and lies
    /// within the run of `bytes` around it; runs are apart (a byte not in `bytes` between), so a
    /// search of each finds what a search of the whole text finds. `bytes` must not hold a
    /// newline (the runs are looked for in [`Context::capital_lines`]).
    pub fn capital_runs(&self, raw: bool, bytes: &ByteSet) -> Vec<(usize, usize)> {
        let text = if raw { self.doc.text } else { self.doc.masked.as_str() };
        let b = text.as_bytes();
        let has = |c: u8| has_byte(bytes, c);
        let mut runs = Vec::new();
        for &(line, line_end) in self.capital_lines(raw) {
            let mut from = line;
            while let Some(at) = capital_pair(&b[..line_end], from) {
                if !(has(b[at]) && has(b[at + 1])) {
                    from = at + 1;
                    continue;
                }
                // Back to the byte after the last one not in `bytes`: at or after the end of the
                // run before (which is such a byte) and after any pair passed over.
                let start = b[line..at]
                    .iter()
                    .rposition(|&c| !has(c))
                    .map_or(line, |k| line + k + 1);
                let end = b[at..line_end]
                    .iter()
                    .position(|&c| !has(c))
                    .map_or(line_end, |k| at + k);
                runs.push((start, end));
                from = end;
            }
        }
        runs
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

    /// Candidate heading and label lines of the prose ([`Document::label_lines`]).
    pub fn label_lines(&self) -> &[(usize, usize)] {
        self.doc.label_lines()
    }

    /// [`Context::label_lines`] copied into one string, made on first use.
    pub fn joined_labels(&self) -> &JoinedLabels {
        self.joined_labels.get_or_init(|| {
            let lines = self.label_lines();
            let mut out = JoinedLabels {
                text: String::with_capacity(lines.iter().map(|&(s, e)| e - s + 1).sum()),
                starts: Vec::with_capacity(lines.len()),
            };
            for &(s, e) in lines {
                out.starts.push((out.text.len(), s));
                out.text.push_str(&self.doc.masked[s..e]);
                out.text.push('\n');
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
            Shape::Directive => return Err("shape `directive` is reserved for the built-in directive rules".into()),
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
    /// text, in `prose` those that search the prose; in `solid`, the prose entries whose
    /// keywords hold no white space.
    pub fn locatable(&self, raw: &mut [bool], prose: &mut [bool], solid: &mut [bool]) {
        if let CompiledShape::Pattern(p) = self {
            p.locatable(raw, prose, solid);
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

    /// Compile every lazily compiled pattern now; the error names the pattern, to locate it.
    pub fn force(&self) -> Result<(), super::require::PatternError> {
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

    /// The label lines are the trimmed lines that are short or have an early colon, as ranges of
    /// the masked text; their joined copy (for heading regexes) maps each offset back.
    #[test]
    fn label_lines_are_trimmed_ranges_and_their_copy_maps_back() {
        use crate::document::InputFormat;
        let long = "word ".repeat(30);
        let text = format!("Hi all,\n\n  Impact:  staff could not sign in.  \n{long}\n\tNext update: 15:00\n \n");
        let doc = Document::parse(&text, InputFormat::Text);
        let cx = Context::new(&doc, Kind::Incident, Audience::Manager);
        let lines = cx.label_lines();
        let got: Vec<&str> = lines.iter().map(|&(s, e)| &doc.masked[s..e]).collect();
        assert_eq!(
            got,
            ["Hi all,", "Impact:  staff could not sign in.", "Next update: 15:00"]
        );
        let joined = cx.joined_labels();
        assert_eq!(
            joined.text,
            "Hi all,\nImpact:  staff could not sign in.\nNext update: 15:00\n"
        );
        for (&(s, e), &(t, _)) in lines.iter().zip(&joined.starts) {
            for k in 0..e - s {
                assert_eq!(joined.to_doc(t + k), s + k);
            }
        }
        let at = joined.text.find("15:00").unwrap();
        assert_eq!(&doc.masked[joined.to_doc(at)..][..5], "15:00");
    }

    #[test]
    fn capital_pair_is_the_first_pair_in_every_place() {
        let slow = |b: &[u8], from: usize| {
            b[from..]
                .windows(2)
                .position(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())
                .map(|k| from + k)
        };
        for len in 0..20 {
            for a in 0..len {
                for b in a..len {
                    // Capitals at `a` and `b`; small letters, `@` and `[` (the bytes around the
                    // capitals) elsewhere.
                    let mut t: Vec<u8> = (0..len).map(|k| [b'a', b'@', b'z', b'['][k % 4]).collect();
                    t[a] = b'A';
                    t[b] = b'Z';
                    for from in 0..len {
                        assert_eq!(capital_pair(&t, from), slow(&t, from), "{t:?} from {from}");
                    }
                }
            }
        }
    }

    #[test]
    fn capital_lines_are_whole_lines_merged() {
        let text = "no caps here\nA line WITH caps\nNext OK line\nplain\nEND";
        let lines = capital_lines(text);
        assert_eq!(lines, [(13, 43), (49, 52)]);
        assert_eq!(&text[13..43], "A line WITH caps\nNext OK line\n");
        assert_eq!(&text[49..52], "END");
        assert!(capital_lines("A b C d\nAb Cd\n").is_empty());
        assert_eq!(capital_lines("AB"), [(0, 2)]);
        assert_eq!(capital_lines("x\nAB\n"), [(2, 5)]);
        assert!(capital_lines("").is_empty());
    }

    /// The runs of a byte set around two capitals side by side (both in the set): maximal, in
    /// order, apart; a pair outside the set starts none.
    #[test]
    fn capital_runs_are_maximal_runs_of_the_set_around_a_pair() {
        use crate::document::InputFormat;
        let set = |bytes: &[u8]| {
            let mut s = ByteSet::default();
            bytes.iter().for_each(|&b| s[usize::from(b >> 6)] |= 1 << (b & 63));
            s
        };
        let caps_and_space: Vec<u8> = (b'A'..=b'Z').chain([b' ']).collect();
        let text = "the DNS and SMTP relay. PLEASE DO NOT restart it\nOK fine XY\nnone here\nZZ";
        let doc = Document::parse(text, InputFormat::Text);
        let cx = Context::new(&doc, Kind::Reply, Audience::EndUser);
        let runs = |bytes: &[u8]| -> Vec<&str> {
            cx.capital_runs(true, &set(bytes))
                .iter()
                .map(|&(a, b)| &text[a..b])
                .collect()
        };
        assert_eq!(
            runs(&caps_and_space),
            [" DNS ", " SMTP ", " PLEASE DO NOT ", "OK ", " XY", "ZZ"]
        );
        // Small letters too: the runs reach the punctuation and the line ends.
        let letters: Vec<u8> = caps_and_space.iter().copied().chain(b'a'..=b'z').collect();
        assert_eq!(
            runs(&letters),
            [
                "the DNS and SMTP relay",
                " PLEASE DO NOT restart it",
                "OK fine XY",
                "ZZ"
            ]
        );
        // A pair starts a run only with both its bytes in the set (`DN`, `NS`, `SM` and `NO` do
        // not), and a run stops at the first byte out of it.
        assert_eq!(runs(b"DMOPT "), ["MTP ", " DO ", "OT "]);
        assert!(runs(b"").is_empty());
    }

    #[test]
    fn redaction_keeps_little() {
        assert_eq!(redacted("AKIAABCDEFGHIJKLMNOP"), "AKIA…");
        assert_eq!(redacted("Winter2024"), "Wi…");
        assert_eq!(redacted("abc"), "…");
    }
}
