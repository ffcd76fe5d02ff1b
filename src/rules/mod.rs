//! Rule packs: the TOML schema, the embedded built-in packs, and one module per rule SHAPE.
//! Rules themselves are data in `rules/*.toml` at the repository root.

pub mod classes;
pub mod expand;
pub mod gate;
pub mod glossary;
pub mod keywords;
pub mod metric;
pub mod pattern;
pub mod phrase_index;
pub mod require;
pub mod sections;
pub mod shapes;
pub mod terms;
pub mod windows;

use crate::diagnostic::{Applicability, Severity};
use crate::profile::{Audience, Kind};
use serde::Deserialize;

/// Call `f(offset, piece)` for each piece of `text` in order, ASCII-lowercased: about 64 KiB
/// each, cut after a newline. No phrase or keyword the scans look for holds a newline, so none
/// straddles a cut, and a 50 MB file needs one 64 KiB copy instead of a second 50 MB. `f`
/// returns `false` to stop.
pub fn lowercase_pieces(text: &str, mut f: impl FnMut(usize, &str) -> bool) {
    let mut lower = String::with_capacity(text.len().min(PIECE + 4096));
    let mut base = 0;
    while base < text.len() {
        let end = piece_end(text, base);
        lowercase_into(&mut lower, &text[base..end]);
        if !f(base, &lower) {
            return;
        }
        base = end;
    }
}

/// `piece`, ASCII-lowercased, in `lower` (its buffer reused), with each tab and each newline
/// not next to another one (a wrapped line: `user\nerror`) made a space, so that a phrase
/// matches across them as across a space.
pub fn lowercase_into(lower: &mut String, piece: &str) {
    lower.clear();
    lower.push_str(piece);
    lower.make_ascii_lowercase();
    let b = piece.as_bytes();
    let lone = |j: Option<usize>| j.and_then(|j| b.get(j)).is_none_or(|&c| c != b'\n' && c != b'\r');
    // SAFETY: ASCII bytes are replaced by an ASCII byte: the string stays UTF-8.
    let out = unsafe { lower.as_bytes_mut() };
    for i in memchr::memchr2_iter(b'\n', b'\t', b) {
        if b[i] == b'\t' || (lone(i.checked_sub(1)) && lone(i.checked_add(1))) {
            out[i] = b' ';
        }
    }
}

/// The length a piece of [`lowercase_pieces`] reaches before it is cut at the next newline.
const PIECE: usize = 64 * 1024;

/// The end of the piece of [`lowercase_pieces`] that starts at `base`.
pub fn piece_end(text: &str, base: usize) -> usize {
    let end = (base + PIECE).min(text.len());
    if end < text.len() {
        memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |k| end + k + 1)
    } else {
        end
    }
}

/// The pieces of [`lowercase_pieces`], as byte ranges.
pub fn piece_bounds(text: &str) -> Vec<(usize, usize)> {
    let mut bounds = Vec::with_capacity(text.len() / PIECE + 1);
    let mut base = 0;
    while base < text.len() {
        let end = piece_end(text, base);
        bounds.push((base, end));
        base = end;
    }
    bounds
}

/// The built-in packs, embedded so a fresh binary works with no files around it.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("rules/core.toml", include_str!("../../rules/core.toml")),
    ("rules/jargon.toml", include_str!("../../rules/jargon.toml")),
    ("rules/tone.toml", include_str!("../../rules/tone.toml")),
    ("rules/clarity.toml", include_str!("../../rules/clarity.toml")),
    ("rules/structure.toml", include_str!("../../rules/structure.toml")),
    ("rules/safety.toml", include_str!("../../rules/safety.toml")),
];

/// The same packs as JSON, in the same order, converted by `build.rs`: start-up deserializes these
/// (about a fifth of the TOML parser's cost); the TOML text above stays the source of truth.
pub const BUILTIN_PACKS_JSON: &[&str] = &[
    include_str!(concat!(env!("OUT_DIR"), "/core.json")),
    include_str!(concat!(env!("OUT_DIR"), "/jargon.json")),
    include_str!(concat!(env!("OUT_DIR"), "/tone.json")),
    include_str!(concat!(env!("OUT_DIR"), "/clarity.json")),
    include_str!(concat!(env!("OUT_DIR"), "/structure.json")),
    include_str!(concat!(env!("OUT_DIR"), "/safety.json")),
];

/// One rule pack file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    /// Entries for the `glossary`-shaped rule(s).
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
    /// Kind-detection cues.
    #[serde(default)]
    pub detect: Vec<DetectDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// Phrase lists and regex patterns with guards.
    Terms,
    /// The glossary: a term flagged on first unexplained use.
    Glossary,
    /// A document-level requirement: cue phrases that must occur.
    Require,
    /// A number measured per sentence or per document against a per-audience limit.
    Metric,
    /// Named parts a document must contain (headings, labels or cue sentences), optionally
    /// within a region such as the first paragraph.
    Sections,
    /// Regexes with match filters (entropy, known words, counts, block kinds) and delete fixes.
    Pattern,
    /// A rule about inline directives themselves (`unused-disable`,
    /// `unknown-rule-in-directive`): built in, never written in a pack.
    #[serde(skip)]
    Directive,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Terms => "terms",
            Shape::Glossary => "glossary",
            Shape::Require => "require",
            Shape::Metric => "metric",
            Shape::Sections => "sections",
            Shape::Pattern => "pattern",
            Shape::Directive => "directive",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub shape: Shape,
    pub severity: Severity,
    /// Kinds the rule applies to (default: all).
    #[serde(default)]
    pub kinds: Option<Vec<Kind>>,
    /// Audiences the rule applies to (default: all).
    #[serde(default)]
    pub audiences: Option<Vec<Audience>>,
    /// Audiences for whom the rule applies to documents of every kind, beyond `kinds` (the impact
    /// goes first in an incident update, and in anything written for a manager).
    #[serde(default)]
    pub any_kind_for: Vec<Audience>,
    pub summary: String,
    /// Default message; `{text}` is replaced by the matched text, `{term}` by the glossary term.
    pub message: String,
    #[serde(default)]
    pub suggestion: Option<String>,
    /// Ignore matches inside double quotes (quoted error messages, UI labels).
    #[serde(default = "yes")]
    pub skip_quoted: bool,
    pub explain: Explain,
    #[serde(default)]
    pub terms: Vec<TermDef>,
    #[serde(default)]
    pub require: Option<RequireDef>,
    /// `metric` shape: what is measured and the limits.
    #[serde(default)]
    pub metric: Option<metric::MetricDef>,
    /// `sections` shape: the parts a document needs.
    #[serde(default)]
    pub sections: Option<sections::SectionsDef>,
    /// `pattern` shape: regex entries with filters.
    #[serde(default)]
    pub pattern: Vec<pattern::PatternDef>,
    /// The matched text is sensitive (a secret): outputs show it masked, never in full.
    #[serde(default)]
    pub redact: bool,
}

fn yes() -> bool {
    true
}

/// `ticketlint explain` text, in fixed sections.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explain {
    pub what: String,
    pub why: String,
    pub bad: String,
    pub good: String,
    #[serde(default)]
    pub fix: Option<String>,
}

/// One entry of a `terms` rule: phrases (one shared automaton) and/or regexes, plus guards.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermDef {
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regexes (the `regex` crate's syntax, no look-around); matched case-insensitively
    /// unless `case_sensitive`.
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Why this phrase hurts (becomes the message).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub suggestion: Option<String>,
    /// A replacement for the matched text (a fix).
    #[serde(default)]
    pub replacement: Option<String>,
    #[serde(default)]
    pub applicability: Option<Applicability>,
    /// Offer the replacement only when the text right after the match starts with one of these
    /// (e.g. `[","]` for an opener that reads right only before a comma). Empty: always. The
    /// finding is reported either way.
    #[serde(default)]
    pub fix_when_followed_by: Vec<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Not a match when the next words start with one of these (case-insensitive, whole words).
    #[serde(default)]
    pub unless_followed_by: Vec<String>,
    /// Not a match when the previous words end with one of these.
    #[serde(default)]
    pub unless_preceded_by: Vec<String>,
    /// A match only when its sentence also contains one of these words.
    #[serde(default)]
    pub sentence_has: Vec<String>,
    /// Not a match when its sentence contains one of these words.
    #[serde(default)]
    pub sentence_lacks: Vec<String>,
}

/// A document-level requirement (see `require.rs`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequireDef {
    /// A sentence satisfies the rule when, for ONE of these cues, it matches at least one
    /// pattern of every group in `all`.
    #[serde(default)]
    pub sentence: Vec<SentenceCue>,
    /// A line that is one of these (case-insensitive), alone or as a label before ":",
    /// satisfies the rule ("Impact:", "Customer impact").
    #[serde(default)]
    pub headings: Vec<String>,
    /// Any match of one of these regexes anywhere in the prose satisfies the rule ((?m) line
    /// anchors).
    #[serde(default)]
    pub anywhere: Vec<String>,
    /// Words stripped from the start of a sentence (or main clause) before `^`-anchored cues
    /// are looked up ("Please restart", "Then, click").
    #[serde(default)]
    pub skip_leading: Vec<String>,
    /// Sentences matching one of these never satisfy the rule.
    #[serde(default)]
    pub unless: Vec<String>,
    /// Where the finding goes: the start of the document or the end of the last prose.
    #[serde(default)]
    pub at: Anchor,
}

/// One way a sentence can satisfy a requirement: a match from every group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceCue {
    pub all: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Anchor {
    #[default]
    Start,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Jargon for end users.
    General,
    /// Jargon for end users and managers.
    Specialist,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub term: String,
    pub forms: Vec<String>,
    /// Spelled-out forms that explain the term when they appear (never flagged themselves):
    /// "multi-factor authentication" before "MFA".
    #[serde(default)]
    pub explains: Vec<String>,
    pub gloss: String,
    pub category: String,
    pub level: Level,
    #[serde(default)]
    pub fix: Option<Applicability>,
    /// Also jargon for a technical audience.
    #[serde(default)]
    pub technical: bool,
}

impl GlossaryEntry {
    pub fn is_jargon_for(&self, audience: Audience) -> bool {
        match audience {
            Audience::EndUser => true,
            Audience::Manager => self.level == Level::Specialist,
            Audience::Technical => self.technical,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectDef {
    pub kind: Kind,
    /// Patterns (case-insensitive; finite ones join the shared automaton); each match adds
    /// `weight` to the kind's score, at most 3 times per pattern string.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Lines that are one of these (alone or as a label before ":") add `weight` each.
    #[serde(default)]
    pub headings: Vec<String>,
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

/// Rule metadata as listed by `ticketlint rules` and `explain`.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: String,
    pub shape: Shape,
    pub severity: Severity,
    /// Other severities some of its findings take: entries (patterns, terms) with a severity of
    /// their own, unless the config sets the rule's. Sorted, without `severity`.
    pub also: Vec<Severity>,
    pub kinds: Vec<Kind>,
    pub audiences: Vec<Audience>,
    /// Audiences for whom the rule applies to every kind (see [`RuleDef::any_kind_for`]).
    pub any_kind_for: Vec<Audience>,
    pub summary: String,
    pub explain: Explain,
    /// Findings of this rule cover sensitive text: show it masked.
    pub redact: bool,
}

impl RuleMeta {
    /// The severity as `rules` lists it: "warning", or "warning/info" when some findings take
    /// another ([`RuleMeta::also`]).
    pub fn severities(&self) -> String {
        std::iter::once(self.severity)
            .chain(self.also.iter().copied())
            .map(Severity::as_str)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Does the rule run on a document of this kind for this audience?
    pub fn applies(&self, kind: Kind, audience: Audience) -> bool {
        (self.kinds.contains(&kind) && self.audiences.contains(&audience)) || self.any_kind_for.contains(&audience)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan's copy: lowercased, a tab or a lone line break (a wrapped line) a space, a
    /// paragraph break or a CRLF kept, the length unchanged.
    #[test]
    fn the_scan_copy_joins_wrapped_lines_only() {
        let mut lower = String::from("stale");
        let text = "User\nError\n\nNext\tTab\r\nX\n";
        lowercase_into(&mut lower, text);
        assert_eq!(lower, "user error\n\nnext tab\r\nx ");
        assert_eq!(lower.len(), text.len());
        lowercase_into(&mut lower, "\u{e9}\nA");
        assert_eq!(lower, "\u{e9} a");
    }

    /// The JSON that start-up reads says exactly what the TOML says (compared through `Debug`,
    /// which prints every field of every rule, glossary entry and detection cue).
    #[test]
    fn builtin_json_matches_the_toml() {
        assert_eq!(BUILTIN_PACKS.len(), BUILTIN_PACKS_JSON.len());
        for ((name, toml_src), json) in BUILTIN_PACKS.iter().zip(BUILTIN_PACKS_JSON) {
            let from_toml: Pack = toml::from_str(toml_src).unwrap_or_else(|e| panic!("{name}: {e}"));
            let from_json: Pack = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name} as JSON: {e}"));
            assert!(
                !from_toml.rule.is_empty() || !from_toml.glossary.is_empty(),
                "{name} is empty"
            );
            assert_eq!(format!("{from_toml:?}"), format!("{from_json:?}"), "{name}");
        }
    }
}
