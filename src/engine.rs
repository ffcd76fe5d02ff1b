//! The engine: compiles settings + rule packs into matchers ONCE, then checks documents.
//!
//! One phrase index (`rules::phrase_index`) holds every whole-word phrase: the `terms` rules'
//! phrases, the glossary's forms, the `require` rules' finite cue patterns and the
//! kind-detection cues (finite regex patterns are expanded into phrases by `rules::expand`). A
//! document is scanned ONCE; kind detection, term rules, the glossary and the document-level
//! requirements all read that scan. Only open-ended patterns remain regexes, compiled on first
//! use; a `pattern` entry runs its regexes only when one of its keywords occurs, which it asks
//! only when it applies to the document's kind (`rules::keywords`).

use crate::config::Settings;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span, fill};
use crate::document::{Document, InputFormat, directives};
use crate::error::Error;
use crate::profile::{Audience, Kind};
use crate::rules::glossary::{self, gloss_suggestion};
use crate::rules::keywords::{KeywordSet, Located};
use crate::rules::phrase_index::PhraseIndex;
use crate::rules::require::{self, CompiledRequire, LazyRegex, SentenceHits};
use crate::rules::shapes::{CompiledShape, Context, Known, RuleInfo};
use crate::rules::terms::{CompiledTerm, QuoteTracker, at_word_boundaries};
use crate::rules::{
    BUILTIN_PACKS, BUILTIN_PACKS_JSON, GlossaryEntry, Pack, RuleDef, RuleMeta, Shape, lowercase_pieces,
};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Who owns a phrase or regex pattern.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Term {
        rule: usize,
        term: usize,
    },
    Gloss {
        rule: usize,
        entry: usize,
        explains: bool,
        exact: bool,
    },
    /// A `require` cue group (its id in the per-document hit table).
    Cue {
        group: usize,
    },
    /// A kind-detection cue (index into `Detector::defs`).
    Detect {
        def: usize,
    },
    /// A phrase of a term regex's word gate (index into `Engine::term_regexes`): the regex
    /// searches only a document in which one was found (see [`crate::rules::gate`]).
    Gate {
        regex: usize,
    },
}

impl Owner {
    fn rule(self) -> Option<usize> {
        match self {
            Owner::Term { rule, .. } | Owner::Gloss { rule, .. } => Some(rule),
            Owner::Cue { .. } | Owner::Detect { .. } | Owner::Gate { .. } => None,
        }
    }
}

#[derive(Debug)]
struct CompiledRule {
    meta: RuleMeta,
    message: String,
    suggestion: Option<String>,
    skip_quoted: bool,
    /// The severity override from settings, which beats a term's own severity.
    forced: Option<Severity>,
    terms: Vec<CompiledTerm>,
    require: Option<CompiledRequire>,
    /// The `metric`, `sections` and `pattern` shapes (see `rules::shapes`).
    shape: Option<CompiledShape>,
}

#[derive(Debug)]
struct Detector {
    /// Per detect definition: its kind and weight.
    defs: Vec<(Kind, u32)>,
    /// Open-ended cue patterns, by definition.
    regexes: Vec<(usize, LazyRegex)>,
    /// Heading cues (lowercase), by definition.
    headings: Vec<(usize, String)>,
    /// Bit `n` set when a heading cue is `n` bytes long (`n` < 64; a line's head that can match
    /// is at most 60): an ASCII head of any other length matches none.
    heading_lens: u64,
}

/// A compiled set of rules, ready to check any number of documents.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    glossary: Vec<GlossaryEntry>,
    accepted: foldhash::HashSet<String>,
    /// Every phrase, found by one walk over the words.
    phrases: PhraseIndex,
    /// Per phrase pattern: owner, and the exact text when the match is case-sensitive.
    phrase_owners: Vec<(Owner, Option<String>)>,
    /// The `pattern` entries' keywords, by keyword id.
    keywords: KeywordSet,
    /// Open-ended term patterns, and whether each has a word gate.
    term_regexes: Vec<(LazyRegex, Owner, bool)>,
    /// Per cue group id (`require` and `sections`): the group whose phrase hits it shares. Two
    /// groups with the same phrases (a `sections` cue taken from a `require` rule with
    /// `cues_from`) are one owner in the phrase index: on the 10 MB bench file, 196,311 cue hits
    /// instead of 428,553 (peak RSS 51.6 -> 46.0 MB).
    group_alias: Vec<usize>,
    detector: Detector,
    /// Rule id -> index in `rules`: the order of findings at the same span.
    rule_order: HashMap<String, usize>,
    /// Every rule id the packs define, enabled or not (not the directive rules).
    known_ids: Vec<String>,
    /// When `unused-disable` is reported.
    unused: UnusedDisables,
    /// `unused-disable`'s metadata (its severity from the config).
    unused_rule: RuleMeta,
    /// `unknown-rule-in-directive`'s metadata, when it is enabled.
    unknown_rule: Option<RuleMeta>,
    /// `unknown-rule-in-directive` is in `ignore` (not merely left out of `select`).
    unknown_ignored: bool,
}

/// When `unused-disable` findings are reported (see [`Engine::reports_unused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnusedDisables {
    /// In `ignore`: never, even with `--report-unused-disables`.
    Off,
    /// Named in `select`: always.
    On,
    /// Only with `--report-unused-disables` (the default).
    WithFlag,
}

/// A raw hit before guards.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    owner: Owner,
    span: Span,
}

/// A `require` cue phrase hit. Compact (16 bytes): a long document has hundreds of thousands.
#[derive(Debug, Clone, Copy)]
struct CueHit {
    start: usize,
    group: u32,
    len: u32,
}

/// The phrase hits of part of a document (see [`Engine::scan_piece`]), before
/// [`Engine::finish_scan`] puts them together.
#[derive(Debug, Default)]
struct ScanPart {
    /// Term and glossary hits with their (end, start, phrase id), unsorted.
    keyed: Vec<((usize, usize, usize), Candidate)>,
    cue_hits: Vec<CueHit>,
    scores: [u32; 5],
    /// The term regexes whose word gate a phrase opened.
    gates: Vec<usize>,
}

/// What one pass over a document found.
#[derive(Debug)]
struct Scan {
    /// Term and glossary hits (any rule; filtered by the active rules later).
    candidates: Vec<Candidate>,
    /// `require` cue phrase hits, mapped to sentences only when a document-level rule runs.
    cue_hits: Vec<CueHit>,
    /// Detection score per kind from phrase cues.
    scores: [u32; 5],
    /// Per term regex: was a phrase of its word gate found?
    gates_open: Vec<bool>,
}

/// At most this many findings are reported per file (with a notice saying how many were found).
pub const MAX_FINDINGS: usize = 1000;

/// The engine stops judging a document's candidates after this many findings, so a file made
/// of nothing but matches costs bounded time and memory (room is left for findings that inline
/// directives suppress). A result this long means the rest of the file was not judged.
pub const JUDGE_LIMIT: usize = 10 * MAX_FINDINGS;

/// A document at least this long is checked on several threads when the run has threads to
/// spare (one input). Measured on 2 cores (one input, whole process): a 3.5 KB incident page
/// 21 -> 18 ms, 12 KB 26 -> 21 ms, 150 KB 46 -> 35 ms, 10 MB 750 -> 500 ms; a 160-byte reply
/// and the 1.8 KB bench draft 0.2 ms slower (their work is mostly one rule's), so short drafts
/// stay on one thread. (Short drafts whose rules compiled many regexes used to go on two
/// threads too: a 230-byte incident draft 17.9 -> 15.7 ms. Since a short run's main thread
/// allocates from its own arena (`heap`) and `sections` cues match their finite patterns as
/// phrases, that draft takes 7.1 ms on one thread and 8.1 ms on two.)
pub const PARALLEL_DOC_BYTES: usize = 3 * 1024;

/// A document at least this long has the keywords of all its `pattern` entries located, and
/// the entries that allow it search around them only (see [`crate::rules::windows`]). Below
/// it, only the entries that search the original text (`raw`: the secrets, whose regexes stop
/// at every "access", "token" and digit) are windowed: the others search the prose, whose
/// keywords take a second pass, over the masked text, that costs more than it saves in a short
/// document. Instructions, whole process, one thread (callgrind), when this was all entries or
/// none: 10 MB 4,507M -> 3,441M, 1 MB 1,016M -> 795M, 300 KB 410M -> 354M, 100 KB 220M -> 212M,
/// but the 100 KB bench article 79M -> 84M and 50 KB 173M -> 176M. Windowing the raw entries of
/// every document as well: bench corpus 3,448.6M -> 3,348.0M, 100 KB article 63.0M -> 57.7M,
/// 2 KB draft 18.34M -> 18.18M.
pub const WINDOW_DOC_BYTES: usize = 128 * 1024;

/// Tests turn keyword windows off to compare with a search of the whole text (on every thread;
/// the results are the same either way, so other tests running meanwhile are not affected).
#[cfg(test)]
static NO_WINDOWS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Held by the tests that switch windows off, so that one does not switch them back on while
/// the other compares.
#[cfg(test)]
static NO_WINDOWS_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn windows_allowed() -> bool {
    #[cfg(test)]
    if NO_WINDOWS.load(std::sync::atomic::Ordering::SeqCst) {
        return false;
    }
    true
}

/// Where a rule or pattern was written.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// A pack: an index into the built-in packs followed by the config's `extends` packs.
    Pack(usize),
    /// The config's `[[terms.RULE]]` tables.
    Config,
}

/// Strings to look for in a TOML file to locate `pattern`: with a basic string's escapes, and
/// as written in a literal string.
fn pattern_needles(pattern: &str) -> Vec<String> {
    // The escaped form first: in a basic string the raw form can match one byte late ("\\p"
    // holds "\p" from its second backslash).
    vec![pattern.replace('\\', "\\\\").replace('"', "\\\""), pattern.to_string()]
}

/// The pattern quoted in an "invalid pattern `…`: why" message.
fn quoted_pattern(message: &str) -> Option<String> {
    let rest = message.split_once("pattern `")?.1;
    Some(rest.rsplit_once("`: ")?.0.to_string())
}

/// Only the first 32 KiB of a document vote on its kind.
const DETECT_SNIFF: usize = 32 * 1024;

/// Cue groups by their phrases, to give groups with the same phrases one owner in the phrase
/// index (see `Engine::group_alias`).
#[derive(Default)]
struct GroupAliases {
    /// A cheap key of a phrase list (its length, its first and last phrases) -> the groups
    /// registered with it: (id, where its phrases start in the engine's phrase list).
    by_key: HashMap<(usize, u64), Vec<(usize, usize)>>,
    alias: HashMap<usize, usize>,
}

impl GroupAliases {
    /// Per group id below `groups`: its own id, or the first group with the same phrases.
    fn resolved(&self, groups: usize) -> Vec<usize> {
        (0..groups).map(|g| self.alias.get(&g).copied().unwrap_or(g)).collect()
    }
}

/// Add the phrases of cue group `g` to the phrase index under its id, unless a group with the
/// same phrases is there already (then `g` shares its hits). Groups with the same patterns
/// expand to the same phrases in the same order, so the lists are compared as they are.
fn register_group(
    g: &require::Group,
    aliases: &mut GroupAliases,
    patterns: &mut Vec<String>,
    phrase_owners: &mut Vec<(Owner, Option<String>)>,
) {
    use std::hash::{Hash, Hasher};
    let n = g.phrases.len();
    if n == 0 {
        return;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    g.phrases[..n.min(4)].hash(&mut h);
    g.phrases[n.saturating_sub(4)..].hash(&mut h);
    let same = aliases.by_key.entry((n, h.finish())).or_default();
    if let Some(&(first, _)) = same.iter().find(|&&(_, at)| patterns[at..at + n] == g.phrases[..]) {
        aliases.alias.insert(g.id, first);
        return;
    }
    same.push((g.id, patterns.len()));
    for p in &g.phrases {
        patterns.push(p.clone());
        phrase_owners.push((Owner::Cue { group: g.id }, None));
    }
}

impl Engine {
    /// The built-in packs with default settings.
    pub fn builtin() -> Result<Engine, Error> {
        Engine::new(&Settings::default())
    }

    /// Compile `settings` and the packs.
    ///
    /// Patterns written by the user (in the config's `terms` or in an `extends` pack) are
    /// compiled here, so one that is too big for the size limits is a config error naming the
    /// rule, the pattern and where it was written; the built-in packs' open-ended patterns are
    /// compiled on first use (start-up time), and the tests compile them all.
    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let mut defs: Vec<RuleDef> = Vec::new();
        // Per rule: the pack it came from (an index into `packs`).
        let mut def_pack: Vec<usize> = Vec::new();
        let mut glossary: Vec<GlossaryEntry> = Vec::new();
        let mut detect = Vec::new();
        let mut packs: Vec<(PathBuf, &str)> = BUILTIN_PACKS.iter().map(|(n, s)| (PathBuf::from(n), *s)).collect();
        packs.extend(settings.packs.iter().map(|(p, s)| (p.clone(), s.as_str())));
        for (k, (path, src)) in packs.iter().enumerate() {
            let help = "rule packs hold [[rule]], [[glossary]] and [[detect]] tables: see \"Rule packs\" in the README";
            let pack: Pack = match BUILTIN_PACKS_JSON.get(k) {
                // A built-in pack: its JSON form (the TOML is reparsed only to locate an error).
                Some(json) => serde_json::from_str(json)
                    .or_else(|_| toml::from_str(src))
                    .map_err(|e| Error::toml(path, src, &e).with_help(help))?,
                None => toml::from_str(src).map_err(|e| Error::toml(path, src, &e).with_help(help))?,
            };
            for rule in pack.rule {
                // A later pack's rule with the same id replaces the earlier one in place.
                match defs.iter().position(|d| d.id == rule.id) {
                    Some(i) => {
                        defs[i] = rule;
                        def_pack[i] = k;
                    }
                    None => {
                        defs.push(rule);
                        def_pack.push(k);
                    }
                }
            }
            glossary.extend(pack.glossary);
            detect.extend(pack.detect.into_iter().map(|d| (d, k)));
        }
        // Where a pattern was written, for errors: a pack, or the config's `terms`.
        let written_in = |origin: Origin, message: String, needles: &[&str]| match origin {
            Origin::Pack(k) => Error::config_at(&packs[k].0, packs[k].1, message, needles),
            Origin::Config => settings.error_at_any(message, needles),
        };
        let user = |origin: Origin| match origin {
            Origin::Pack(k) => k >= BUILTIN_PACKS.len(),
            Origin::Config => true,
        };
        // Terms of each rule that came from its pack (those after come from the config).
        let pack_terms: Vec<usize> = defs.iter().map(|d| d.terms.len()).collect();
        glossary.extend(settings.glossary.iter().cloned());
        for (rule, extra) in &settings.terms {
            let Some(def) = defs.iter_mut().find(|d| &d.id == rule) else {
                return Err(settings
                    .error(format!("`terms.{rule}`: no such rule"))
                    .with_help("run `ticketlint rules` to list rule ids"));
            };
            def.terms.extend(extra.iter().cloned());
        }
        let known: HashSet<&str> = defs
            .iter()
            .map(|d| d.id.as_str())
            .chain(directives::DIRECTIVE_RULES)
            .collect();
        let unknown_help = |id: &str| directives::unknown_help(id, known.iter().copied());
        // Ids from `--select` / `--ignore` are the command line's: an error says so (those of
        // the config file point into it).
        let cli_ignore = settings.command_line_ignore_from.unwrap_or(settings.ignore.len());
        let from_cli = settings
            .select
            .iter()
            .flatten()
            .filter(|_| settings.select_from_command_line)
            .map(|id| (id, "--select"))
            .chain(settings.ignore[cli_ignore..].iter().map(|id| (id, "--ignore")));
        for (id, flag) in from_cli {
            if !known.contains(id.as_str()) {
                return Err(Error::Argument {
                    message: format!("unknown rule `{id}` given to `{flag}`"),
                    help: Some(unknown_help(id)),
                });
            }
        }
        for id in settings
            .select
            .iter()
            .flatten()
            .filter(|_| !settings.select_from_command_line)
            .chain(&settings.ignore[..cli_ignore])
            .chain(settings.severity.keys())
        {
            if !known.contains(id.as_str()) {
                return Err(settings
                    .error(format!("unknown rule `{id}`"))
                    .with_help(unknown_help(id)));
            }
        }
        let known_ids: Vec<String> = defs.iter().map(|d| d.id.clone()).collect();
        let enabled = |id: &str| {
            settings.select.as_ref().is_none_or(|s| s.iter().any(|x| x == id))
                && !settings.ignore.iter().any(|x| x == id)
        };

        let mut rules = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut phrase_owners = Vec::new();
        let mut term_regexes = Vec::new();
        let mut groups = 0usize;
        let mut group_alias = GroupAliases::default();
        let mut keyword_ids = 0usize;
        let mut keyword_lists: Vec<(String, usize)> = Vec::new();
        let mut known = Known::new(&defs, &glossary, &settings.accept);
        for ((def, k), n_pack_terms) in defs
            .into_iter()
            .zip(def_pack)
            .zip(pack_terms)
            .filter(|((d, _), _)| enabled(&d.id))
        {
            let idx = rules.len();
            let id_needle = format!("\"{}\"", def.id);
            let rule_err = |m: String, pattern: Option<&str>| {
                let needles = pattern.map(pattern_needles).unwrap_or_default();
                let mut needles: Vec<&str> = needles.iter().map(String::as_str).collect();
                needles.push(&id_needle);
                written_in(Origin::Pack(k), format!("rule `{}`: {m}", def.id), &needles)
            };
            let mut terms = Vec::new();
            for (ti, t) in def.terms.iter().enumerate() {
                let origin = if ti < n_pack_terms {
                    Origin::Pack(k)
                } else {
                    Origin::Config
                };
                terms.push(CompiledTerm::new(t));
                let owner = Owner::Term { rule: idx, term: ti };
                for p in &t.phrases {
                    if p.trim().is_empty() {
                        let needles = pattern_needles(p);
                        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
                        return Err(
                            written_in(origin, format!("rule `{}`: an empty phrase", def.id), &needles)
                                .with_help("a phrase is the words to look for: remove the empty one"),
                        );
                    }
                    patterns.push(p.clone());
                    phrase_owners.push((owner, t.case_sensitive.then(|| p.clone())));
                }
                for p in &t.patterns {
                    let needles = pattern_needles(p);
                    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
                    let expanded = require::validate_and_expand(p).map_err(|m| {
                        written_in(origin, format!("rule `{}`: {m}", def.id), &needles).with_help(require::SYNTAX_HELP)
                    })?;
                    match expanded.filter(|e| !e.anchored && !t.case_sensitive) {
                        Some(e) => {
                            for phrase in e.phrases {
                                patterns.push(phrase);
                                phrase_owners.push((owner, None));
                            }
                        }
                        None => {
                            let re = LazyRegex::validated(p, false, !t.case_sensitive);
                            if user(origin) {
                                re.force().map_err(|e| {
                                    written_in(origin, format!("rule `{}`: {e}", def.id), &needles).with_help(e.help())
                                })?;
                            }
                            let gate = require::term_gate(p, !t.case_sensitive);
                            for phrase in gate.iter().flatten() {
                                patterns.push(phrase.clone());
                                phrase_owners.push((
                                    Owner::Gate {
                                        regex: term_regexes.len(),
                                    },
                                    None,
                                ));
                            }
                            term_regexes.push((re, owner, gate.is_some()));
                        }
                    }
                }
            }
            if def.shape == Shape::Glossary {
                for (ei, e) in glossary.iter().enumerate() {
                    let explaining = e
                        .explains
                        .iter()
                        .map(|f| f.trim())
                        .filter(|f| !f.is_empty())
                        .map(|f| ((f.to_string(), glossary::is_case_sensitive(f)), true));
                    for ((form, case_sensitive), explains) in glossary::surface_forms(e)
                        .into_iter()
                        .map(|f| (f, false))
                        .chain(explaining)
                    {
                        let exact = case_sensitive.then(|| form.clone());
                        patterns.push(form);
                        phrase_owners.push((
                            Owner::Gloss {
                                rule: idx,
                                entry: ei,
                                explains,
                                exact: case_sensitive,
                            },
                            exact,
                        ));
                    }
                }
            }
            let require = match &def.require {
                Some(r) => {
                    let compiled = CompiledRequire::new(r, &mut groups).map_err(|m| {
                        rule_err(m.clone(), quoted_pattern(&m).as_deref()).with_help(require::SYNTAX_HELP)
                    })?;
                    if user(Origin::Pack(k)) {
                        compiled
                            .force()
                            .map_err(|e| rule_err(e.to_string(), Some(&e.pattern)).with_help(e.help()))?;
                    }
                    for g in compiled.groups() {
                        register_group(g, &mut group_alias, &mut patterns, &mut phrase_owners);
                    }
                    Some(compiled)
                }
                None if def.shape == Shape::Require => {
                    return Err(rule_err("shape `require` needs a [rule.require] table".into(), None));
                }
                None => None,
            };
            known.trusted = !user(Origin::Pack(k));
            // A bad pattern is located at the pattern (its message quotes it), else at the rule.
            let shape = CompiledShape::new(&def, &known, &mut keyword_ids, &mut groups).map_err(|m| {
                let pattern = quoted_pattern(&m);
                let err = rule_err(m.clone(), pattern.as_deref());
                if pattern.is_some() {
                    err.with_help(require::SYNTAX_HELP)
                } else {
                    err
                }
            })?;
            for g in shape.iter().flat_map(CompiledShape::cue_groups) {
                register_group(g, &mut group_alias, &mut patterns, &mut phrase_owners);
            }
            for (id, words) in shape.iter().flat_map(CompiledShape::keyword_lists) {
                keyword_lists.extend(words.iter().map(|w| (w.clone(), id)));
            }
            if let (false, Some(shape)) = (known.trusted, &shape) {
                // A user's pack: every pattern is compiled now, so a bad one is a load error.
                shape
                    .force()
                    .map_err(|e| rule_err(e.to_string(), Some(&e.pattern)).with_help(e.help()))?;
            }
            let forced = settings.severity.get(&def.id).copied();
            let severity = forced.unwrap_or(def.severity);
            let mut also: Vec<Severity> = if forced.is_some() {
                Vec::new()
            } else {
                def.pattern
                    .iter()
                    .filter_map(|p| p.severity)
                    .chain(def.terms.iter().filter_map(|t| t.severity))
                    .filter(|&s| s != severity)
                    .collect()
            };
            also.sort();
            also.dedup();
            rules.push(CompiledRule {
                meta: RuleMeta {
                    severity,
                    also,
                    kinds: def.kinds.clone().unwrap_or_else(|| Kind::ALL.to_vec()),
                    audiences: def.audiences.clone().unwrap_or_else(|| Audience::ALL.to_vec()),
                    any_kind_for: def.any_kind_for.clone(),
                    id: def.id,
                    shape: def.shape,
                    summary: def.summary,
                    explain: def.explain,
                    redact: def.redact,
                },
                message: def.message,
                suggestion: def.suggestion,
                skip_quoted: def.skip_quoted,
                forced,
                terms,
                require,
                shape,
            });
        }

        let mut detector = Detector {
            defs: Vec::new(),
            regexes: Vec::new(),
            headings: Vec::new(),
            heading_lens: 0,
        };
        for (di, (d, k)) in detect.iter().enumerate() {
            detector.defs.push((d.kind, d.weight));
            for p in &d.cues {
                let needles = pattern_needles(p);
                let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
                let cue_err = |m: String| written_in(Origin::Pack(*k), format!("detect cue: {m}"), &needles);
                match require::validate_and_expand(p)
                    .map_err(|m| cue_err(m).with_help(require::SYNTAX_HELP))?
                    .filter(|e| !e.anchored)
                {
                    Some(e) => {
                        for phrase in e.phrases {
                            patterns.push(phrase);
                            phrase_owners.push((Owner::Detect { def: di }, None));
                        }
                    }
                    None => {
                        let re = LazyRegex::validated(p, true, true);
                        if user(Origin::Pack(*k)) {
                            re.force().map_err(|e| cue_err(e.to_string()).with_help(e.help()))?;
                        }
                        detector.regexes.push((di, re));
                    }
                }
            }
            detector
                .headings
                .extend(d.headings.iter().map(|h| (di, h.trim().to_lowercase())));
        }
        for (_, h) in &detector.headings {
            if h.len() < 64 {
                detector.heading_lens |= 1 << h.len();
            }
        }

        // Plural hits count for glossary terms only (see `scan`).
        let phrases = PhraseIndex::with_plurals(
            patterns
                .iter()
                .zip(&phrase_owners)
                .map(|(p, (owner, _))| (p.as_str(), matches!(owner, Owner::Gloss { .. }))),
        );
        let keywords = KeywordSet::new(keyword_lists.iter().map(|(w, id)| (w.as_str(), *id)), keyword_ids)
            .map_err(|e| Error::config("rules", format!("cannot build the keyword matcher: {e}")))?;
        let accepted = settings.accept.iter().map(|w| w.to_lowercase()).collect();
        let rule_order = rules.iter().enumerate().map(|(i, r)| (r.meta.id.clone(), i)).collect();
        let directive_rule = |id: &str| {
            directives::rule_meta(id, settings.severity.get(id).copied().unwrap_or(Severity::Warning))
                .expect("a directive rule")
        };
        let unused = if settings.ignore.iter().any(|x| x == directives::UNUSED_RULE) {
            UnusedDisables::Off
        } else if settings
            .select
            .as_ref()
            .is_some_and(|s| s.iter().any(|x| x == directives::UNUSED_RULE))
        {
            UnusedDisables::On
        } else {
            UnusedDisables::WithFlag
        };
        let unused_rule = directive_rule(directives::UNUSED_RULE);
        let unknown_rule = enabled(directives::UNKNOWN_RULE).then(|| directive_rule(directives::UNKNOWN_RULE));
        let unknown_ignored = settings.ignore.iter().any(|x| x == directives::UNKNOWN_RULE);
        Ok(Engine {
            unknown_ignored,
            known_ids,
            unused,
            unused_rule,
            unknown_rule,
            rule_order,
            rules,
            glossary,
            accepted,
            phrases,
            phrase_owners,
            keywords,
            term_regexes,
            group_alias: group_alias.resolved(groups),
            detector,
        })
    }

    /// Compile every lazily compiled pattern now; an error names the first that fails.
    pub fn compile_all(&self) -> Result<(), String> {
        for (re, _, _) in &self.term_regexes {
            re.force().map_err(|e| e.to_string())?;
        }
        for r in &self.rules {
            if let Some(req) = &r.require {
                req.force().map_err(|e| format!("rule `{}`: {e}", r.meta.id))?;
            }
            if let Some(shape) = &r.shape {
                shape.force().map_err(|e| format!("rule `{}`: {e}", r.meta.id))?;
            }
        }
        for (_, re) in &self.detector.regexes {
            re.force().map_err(|e| format!("detect cue: {e}"))?;
        }
        Ok(())
    }

    /// Every lazily compiled regex of the engine (kind detection, term patterns, rules).
    fn lazy_regexes(&self) -> Vec<&LazyRegex> {
        let mut all: Vec<&LazyRegex> = self.detector.regexes.iter().map(|(_, re)| re).collect();
        all.extend(self.term_regexes.iter().map(|(re, _, _)| re));
        for r in &self.rules {
            all.extend(r.require.iter().flat_map(CompiledRequire::regexes));
            all.extend(r.shape.iter().flat_map(CompiledShape::regexes));
        }
        all
    }

    /// Compile every regex now, largest first: each pattern once, on `threads` threads, then
    /// the copies of a pattern several rules hold, from its compiled regex. Regexes are otherwise
    /// compiled on first use, and when every worker of a many-file run needs the same regexes
    /// at once, one compiles while the others wait on it: the compile time (about 70 ms of
    /// CPU for the built-in packs with prefilters) is spent one regex after another.
    pub fn precompile(&self, threads: usize) {
        let mut all = self.lazy_regexes();
        all.sort_by_key(|re| std::cmp::Reverse(re.source_len()));
        // One of each pattern on the threads: the packs hold some in several rules, and with
        // both copies in the list the second thread to take one would wait for the first's
        // compile. The copies are filled in afterwards, from the compiled regex.
        let mut seen = std::collections::HashSet::new();
        let (all, copies): (Vec<&LazyRegex>, Vec<&LazyRegex>) = all.into_iter().partition(|re| seen.insert(re.parts()));
        // A panic here is not reported: the first input that needs this regex meets it again,
        // and reports it as an internal error naming the file.
        let compile = |re: &LazyRegex| {
            let _ = crate::error::catch_panic(std::path::Path::new("<regex>"), || re.get().is_some());
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| {
                    while let Some(re) = all.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        compile(re);
                    }
                    crate::heap::release_thread();
                });
            }
        });
        copies.into_iter().for_each(compile);
    }

    /// Metadata of every enabled rule, in stable order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|r| &r.meta)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules().find(|r| r.id == id)
    }

    /// Is `id` a rule id: one the packs define (enabled or not), or a directive rule?
    pub fn knows(&self, id: &str) -> bool {
        directives::DIRECTIVE_RULES.contains(&id) || self.known_ids.iter().any(|k| k == id)
    }

    /// Every rule id, for suggesting the closest to a misspelt one: the packs' (enabled or
    /// not), then the directive rules.
    pub fn known_ids(&self) -> impl Iterator<Item = &str> {
        self.known_ids
            .iter()
            .map(String::as_str)
            .chain(directives::DIRECTIVE_RULES)
    }

    /// Does this run report `unused-disable` findings, given `--report-unused-disables`?
    pub fn reports_unused(&self, flag: bool) -> bool {
        match self.unused {
            UnusedDisables::Off => false,
            UnusedDisables::On => true,
            UnusedDisables::WithFlag => flag,
        }
    }

    /// `unused-disable`'s metadata (its severity as configured).
    pub fn unused_rule(&self) -> &RuleMeta {
        &self.unused_rule
    }

    /// `unknown-rule-in-directive`'s metadata, when the rule is enabled.
    pub fn unknown_rule(&self) -> Option<&RuleMeta> {
        self.unknown_rule.as_ref()
    }

    /// Are unknown ids in directives to be told about at all? Yes unless
    /// `unknown-rule-in-directive` is ignored: when it is only left out of `select`, they are
    /// told as notices on stderr instead of findings (as ruff warns about unknown `noqa` codes).
    pub fn tells_unknown_ids(&self) -> bool {
        !self.unknown_ignored
    }

    /// The directive rules this engine may report (for output formats that list the rules):
    /// `unused-disable` unless ignored (whether it reports depends on the run's flag too),
    /// `unknown-rule-in-directive` when enabled.
    pub fn directive_rules(&self) -> impl Iterator<Item = &RuleMeta> {
        (self.unused != UnusedDisables::Off)
            .then_some(&self.unused_rule)
            .into_iter()
            .chain(self.unknown_rule.as_ref())
    }

    /// Number of glossary entries loaded.
    pub fn glossary_len(&self) -> usize {
        self.glossary.len()
    }

    /// Number of phrases in the shared scan.
    pub fn phrase_count(&self) -> usize {
        self.phrase_owners.len()
    }

    /// Guess the kind of a document from its text (used when nothing else says).
    pub fn detect_kind(&self, doc: &Document) -> Kind {
        let scan = self.scan(doc);
        self.detect_from(doc, &scan)
    }

    /// Check one document as `kind` for `audience`. Findings come back sorted by position.
    pub fn check(&self, doc: &Document, kind: Kind, audience: Audience) -> Vec<Diagnostic> {
        let scan = self.scan(doc);
        self.check_scanned(doc, scan, kind, audience, 1, None)
    }

    /// Check one document, detecting its kind when `kind` is `None`, with a single scan.
    pub fn check_detecting(&self, doc: &Document, kind: Option<Kind>, audience: Audience) -> (Kind, Vec<Diagnostic>) {
        self.check_detecting_on(doc, kind, audience, 1)
    }

    /// [`Engine::check_detecting`] on up to `threads` threads for a document of at least
    /// [`PARALLEL_DOC_BYTES`] (see [`Engine::check_parallel`]); the findings are the same.
    pub fn check_detecting_on(
        &self,
        doc: &Document,
        kind: Option<Kind>,
        audience: Audience,
        threads: usize,
    ) -> (Kind, Vec<Diagnostic>) {
        let (scan, keywords) = if threads > 1 && doc.text.len() >= WINDOW_DOC_BYTES {
            // A long document: the keyword pass beside the scan (before the kind is known: for
            // every rule). 10 MB: 21 ms of 53 ms of scan.
            // Then its share of the phrase scan: the pieces the scan has not reached (10 MB: the
            // scan 37 ms, the keywords and the sentences 28).
            let every = vec![true; self.rules.len()];
            let bounds = crate::rules::piece_bounds(&doc.masked);
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| {
                let helper = scope.spawn(|| {
                    let found = crate::error::on_helper(|| {
                        let found = self.locate_keywords(doc, &every);
                        // And the sentences, which nearly every check of a long document
                        // needs, before the rules run on several threads (otherwise they
                        // are found then, on one: 16 ms of the 10 MB bench file).
                        doc.sentences();
                        (found, self.scan_shared(doc, &bounds, &next))
                    });
                    crate::heap::release_thread();
                    found
                });
                let mut parts = self.scan_shared(doc, &bounds, &next);
                let helped = helper.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                let (keywords, theirs) = helped.unwrap_or_else(|p| std::panic::resume_unwind(p));
                parts.extend(theirs);
                (self.finish_shared(parts), Some(keywords))
            })
        } else {
            (self.scan(doc), None)
        };
        let kind = kind.unwrap_or_else(|| self.detect_from(doc, &scan));
        (kind, self.check_scanned(doc, scan, kind, audience, threads, keywords))
    }

    /// The one pass over the masked text: the phrase index walks the words of its
    /// ASCII-lowercased pieces (see [`lowercase_pieces`]).
    fn scan(&self, doc: &Document) -> Scan {
        let text = doc.masked.as_str();
        let mut part = ScanPart::default();
        let mut hits = Vec::new();
        lowercase_pieces(text, |base, lower| {
            self.scan_piece(text, base, lower, &mut hits, &mut part);
            true
        });
        self.finish_scan(vec![part])
    }

    /// [`Engine::scan`] of the pieces (`bounds`: [`crate::rules::piece_bounds`] of the masked
    /// text) whose indices this thread takes from `next`, each piece's hits apart, with its
    /// start: the threads that share the scan of a long document put them back in order.
    fn scan_shared(
        &self,
        doc: &Document,
        bounds: &[(usize, usize)],
        next: &std::sync::atomic::AtomicUsize,
    ) -> Vec<(usize, ScanPart)> {
        let text = doc.masked.as_str();
        let mut parts = Vec::new();
        let (mut lower, mut hits) = (String::new(), Vec::new());
        while let Some(&(base, end)) = bounds.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            crate::rules::lowercase_into(&mut lower, &text[base..end]);
            let mut part = ScanPart::default();
            self.scan_piece(text, base, &lower, &mut hits, &mut part);
            parts.push((base, part));
        }
        parts
    }

    /// The phrase hits of one ASCII-lowercased piece `lower` of the masked `text`, which starts
    /// at `base`, into `part`. (Kind detection counts hits in the first [`DETECT_SNIFF`] bytes
    /// only, all of them in the first piece: each piece's counts start at zero.)
    fn scan_piece(
        &self,
        text: &str,
        base: usize,
        lower: &str,
        hits: &mut Vec<(usize, usize, usize)>,
        part: &mut ScanPart,
    ) {
        let mut detect_counts: foldhash::HashMap<usize, u32> = Default::default();
        hits.clear();
        self.phrases.find_unordered(lower, hits);
        for &(pid, s, e) in hits.iter() {
            let (owner, exact) = &self.phrase_owners[pid];
            let (s, mut e) = (base + s, base + e);
            let key = (e, s, pid);
            if exact.as_ref().is_some_and(|x| &text[s..e] != x) {
                continue;
            }
            if !at_word_boundaries(text, s, e) {
                // A glossary term's plural: extend the hit over a trailing "s".
                let plural = matches!(owner, Owner::Gloss { .. })
                    && (text[e..].starts_with('s') || (exact.is_none() && text[e..].starts_with('S')))
                    && at_word_boundaries(text, s, e + 1);
                if !plural {
                    continue;
                }
                e += 1;
            }
            match *owner {
                Owner::Term { .. } | Owner::Gloss { .. } => part.keyed.push((
                    key,
                    Candidate {
                        owner: *owner,
                        span: Span::new(s, e),
                    },
                )),
                Owner::Cue { group } => part.cue_hits.push(CueHit {
                    start: s,
                    group: group as u32,
                    len: (e - s) as u32,
                }),
                Owner::Detect { def } => {
                    let n = detect_counts.entry(pid).or_default();
                    if s < DETECT_SNIFF && *n < 3 {
                        *n += 1;
                        let (kind, weight) = self.detector.defs[def];
                        part.scores[kind_index(kind)] += weight;
                    }
                }
                Owner::Gate { regex } => {
                    if !part.gates.contains(&regex) {
                        part.gates.push(regex);
                    }
                }
            }
        }
    }

    /// The [`Scan`] of a document from what [`Engine::scan_shared`] found on each thread.
    fn finish_shared(&self, mut parts: Vec<(usize, ScanPart)>) -> Scan {
        parts.sort_unstable_by_key(|&(base, _)| base);
        self.finish_scan(parts.into_iter().map(|(_, part)| part).collect())
    }

    /// The [`Scan`] of a document from the hits of its pieces, in order.
    fn finish_scan(&self, parts: Vec<ScanPart>) -> Scan {
        let mut scores = [0u32; 5];
        let mut gates_open = vec![false; self.term_regexes.len()];
        let whole = parts.len() == 1;
        let (mut keyed, mut cue_hits) = if whole {
            (Vec::new(), Vec::new())
        } else {
            (
                Vec::with_capacity(parts.iter().map(|p| p.keyed.len()).sum()),
                Vec::with_capacity(parts.iter().map(|p| p.cue_hits.len()).sum()),
            )
        };
        for part in parts {
            for (total, n) in scores.iter_mut().zip(part.scores) {
                *total += n;
            }
            for g in part.gates {
                gates_open[g] = true;
            }
            if whole {
                (keyed, cue_hits) = (part.keyed, part.cue_hits);
            } else {
                keyed.extend(part.keyed);
                cue_hits.extend(part.cue_hits);
            }
        }
        // Candidates with their hit's (end, start, phrase id): the order `PhraseIndex::find`
        // gives, which decides between candidates of one rule on the same span later on. Sorted
        // here, since the other hits (cues, kind detection, gates) need no order.
        keyed.sort_unstable_by_key(|&(key, _)| key);
        // The hits live on while the rules run: no growth slack.
        let mut candidates: Vec<Candidate> = keyed.into_iter().map(|(_, c)| c).collect();
        // (An in-place collect may keep the larger buffer.)
        candidates.shrink_to_fit();
        cue_hits.shrink_to_fit();
        Scan {
            candidates,
            cue_hits,
            scores,
            gates_open,
        }
    }

    /// Which sentences each cue group hit (a phrase counts when it lies within one sentence).
    fn sentence_hits(&self, doc: &Document, cue_hits: &[CueHit]) -> SentenceHits {
        let mut hits = SentenceHits::new(self.group_alias.clone());
        let sentences = doc.sentences();
        // The scan finds the hits in order of start: the sentence of each is found by moving
        // on from the last one's (a binary search per hit was 8 ms of the 10 MB bench file's
        // 196,311 cue hits), and searched for only if a hit ever came before the one before.
        let (mut i, mut last) = (0, 0);
        for hit in cue_hits {
            let (group, s, e) = (hit.group as usize, hit.start, hit.start + hit.len as usize);
            if s < last {
                i = sentences.partition_point(|x| x.end <= s);
            }
            while i < sentences.len() && sentences[i].end <= s {
                i += 1;
            }
            last = s;
            // As `Document::sentence_at`: the sentence containing the hit's start.
            if i < sentences.len() && sentences[i].start <= s && sentences[i].end >= e {
                hits.add(group, i);
            }
        }
        hits.finish();
        hits
    }

    fn detect_from(&self, doc: &Document, scan: &Scan) -> Kind {
        let mut scores = scan.scores;
        let mut end = doc.masked.len().min(DETECT_SNIFF);
        while !doc.masked.is_char_boundary(end) {
            end -= 1;
        }
        let text = &doc.masked[..end];
        for (def, re) in &self.detector.regexes {
            let n = re.get().map_or(0, |re| re.find_iter(text).take(3).count()) as u32;
            let (kind, weight) = self.detector.defs[*def];
            scores[kind_index(kind)] += n * weight;
        }
        if !self.detector.headings.is_empty() {
            // The document's label lines (every trimmed line of up to 100 bytes among them, found
            // once for the rules too, unless the document is long: `label_lines_before`) up to
            // the line the sniff cuts, then that line as cut.
            let cut = if end < doc.masked.len() {
                memchr::memrchr(b'\n', text.as_bytes()).map_or(0, |n| n + 1)
            } else {
                end
            };
            let labels = doc.label_lines_before(cut);
            let whole = labels.iter().map(|&(s, e)| &doc.masked[s..e]);
            let cut_line = (cut < end).then(|| crate::document::trim_line(&text[cut..]).1);
            for t in whole.chain(cut_line) {
                if t.is_empty() || t.len() > 60 {
                    continue;
                }
                let head = t.split(':').next().unwrap_or(t).trim();
                // An ASCII head compares only with headings of its length.
                if head.is_ascii() && self.detector.heading_lens & (1 << head.len()) == 0 {
                    continue;
                }
                // The headings are lower-case: an ASCII line compares without a lower-cased copy.
                let lower = (!head.is_ascii()).then(|| head.to_lowercase());
                for (def, h) in &self.detector.headings {
                    if lower
                        .as_deref()
                        .map_or_else(|| h.eq_ignore_ascii_case(head), |l| h == l)
                    {
                        let (kind, weight) = self.detector.defs[*def];
                        scores[kind_index(kind)] += weight;
                    }
                }
            }
        }
        let best = scores
            .iter()
            .enumerate()
            .max_by_key(|&(i, s)| (*s, std::cmp::Reverse(i)));
        match best {
            Some((i, &s)) if s > 0 => Kind::ALL[i],
            _ => match doc.format {
                InputFormat::Markdown | InputFormat::Html => Kind::Kb,
                InputFormat::Text | InputFormat::Email => Kind::Reply,
            },
        }
    }

    fn check_scanned(
        &self,
        doc: &Document,
        scan: Scan,
        kind: Kind,
        audience: Audience,
        threads: usize,
        early_keywords: Option<Located>,
    ) -> Vec<Diagnostic> {
        let active: Vec<bool> = self.rules.iter().map(|r| r.meta.applies(kind, audience)).collect();
        let mut out = Vec::new();
        if active.iter().any(|&a| a) {
            // Which sentences the cue groups' phrases hit, for `require` and `sections` cues.
            let needs_sentences = self.rules.iter().zip(&active).any(|(r, a)| {
                *a && (r.require.is_some() || r.shape.as_ref().is_some_and(CompiledShape::has_cue_groups))
            });
            let hits = if needs_sentences {
                self.sentence_hits(doc, &scan.cue_hits)
            } else {
                SentenceHits::EMPTY
            };
            let mut cx = Context::new(doc, kind, audience);
            cx.sentence_hits = &hits;
            // One pass over the original text for the keywords of every `pattern` entry (done
            // already, beside the scan, for a document checked on several threads).
            let keywords = match early_keywords {
                Some(k) => k,
                None if self
                    .rules
                    .iter()
                    .zip(&active)
                    .any(|(r, a)| *a && r.meta.shape == Shape::Pattern) =>
                {
                    self.locate_keywords(doc, &active)
                }
                None => Located::default(),
            };
            cx.keywords = &keywords.present;
            cx.keyword_at = &keywords.at;
            let shaped: Vec<&CompiledRule> = self
                .rules
                .iter()
                .zip(&active)
                .filter(|(r, a)| **a && r.shape.is_some())
                .map(|(r, _)| r)
                .collect();
            if threads > 1 && !shaped.is_empty() && doc.text.len() >= PARALLEL_DOC_BYTES {
                self.check_parallel(&cx, &active, scan, &shaped, threads, &mut out);
            } else {
                self.check_terms_and_requires(doc, kind, audience, &active, scan, &hits, &mut out);
                // The reading statistics first when a rule will compute them anyway: the
                // per-sentence word bounds in them then spare `long-sentence` a pass of its own.
                if shaped
                    .iter()
                    .any(|r| r.shape.as_ref().is_some_and(|s| s.needs_stats(audience)))
                {
                    cx.stats();
                }
                for rule in shaped {
                    self.check_shape(rule, &cx, &mut out);
                }
            }
        }
        // Each finding's key computed once (`sort_by_cached_key` is stable, as `sort_by_key` is).
        out.sort_by_cached_key(|d| {
            (
                d.span.start,
                d.span.end,
                self.rule_order.get(d.rule.as_str()).copied().unwrap_or(usize::MAX),
            )
        });
        out
    }

    /// The keyword pass of the `pattern` entries of the rules marked in `active`, recording
    /// where the keywords are for the entries that can search around them only (see
    /// `rules::windows`): worth it in a long document (on the bench corpus, files of 5 KB on
    /// average, it saved nothing: their regexes skip most text already).
    ///
    /// Presence is decided on the original text; an entry's keywords are located in the text it
    /// searches: the original for `raw` entries, else the prose (in a document of at least
    /// [`WINDOW_DOC_BYTES`] only), where masking can make a keyword that the original lacks
    /// ("of*course*" reads "of course").
    fn locate_keywords(&self, doc: &Document, active: &[bool]) -> Located {
        let owners = self.keywords.owners();
        let (mut raw, mut prose, mut solid) = (vec![false; owners], vec![false; owners], vec![false; owners]);
        if windows_allowed() {
            for (r, _) in self.rules.iter().zip(active).filter(|(_, a)| **a) {
                if let Some(shape) = &r.shape {
                    shape.locatable(&mut raw, &mut prose, &mut solid);
                }
            }
            let long = doc.text.len() >= WINDOW_DOC_BYTES;
            for o in 0..owners {
                if prose[o] && solid[o] && doc.only_blanked && !long {
                    // Its keywords in the prose are keywords of the original, at the same
                    // offsets (more of them in the original, in code or links, only widen the
                    // windows): located in the one pass over the original. (Not in a long
                    // document: the original's code and links made the 10 MB file's windows
                    // too wide, +10% instructions.)
                    raw[o] = true;
                    prose[o] = false;
                } else if !long {
                    prose[o] = false;
                }
            }
        }
        let mut found = self.keywords.locate(doc.text, &raw);
        if prose.iter().any(|&p| p) {
            let in_prose = self.keywords.locate(&doc.masked, &prose);
            for (o, at) in in_prose.at.into_iter().enumerate() {
                if prose[o] {
                    found.at[o] = at;
                }
            }
        }
        found
    }

    /// The rules of one big document on `threads` threads: the term and `require` rules are
    /// one piece of work and each shape rule another, taken from a shared queue. The findings
    /// are put together in the order one thread would have produced them, so the result is
    /// the same, byte for byte, as [`Engine::check_scanned`] on one thread. (Shared work, the
    /// sentences and the reading statistics, is computed once, by whichever rule needs it first.)
    fn check_parallel(
        &self,
        cx: &Context,
        active: &[bool],
        scan: Scan,
        shaped: &[&CompiledRule],
        threads: usize,
        out: &mut Vec<Diagnostic>,
    ) {
        let scan = std::sync::Mutex::new(Some(scan));
        let done = crate::walk::indexed(shaped.len() + 1, threads, |i| {
            let mut found = Vec::new();
            if i == 0 {
                let scan = scan.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(scan) = scan {
                    self.check_terms_and_requires(
                        cx.doc,
                        cx.kind,
                        cx.audience,
                        active,
                        scan,
                        cx.sentence_hits,
                        &mut found,
                    );
                }
            } else {
                self.check_shape(shaped[i - 1], cx, &mut found);
            }
            found
        });
        out.extend(done.into_iter().flatten());
    }

    /// The term rules (phrase and regex hits, judged) and the `require` rules.
    #[allow(clippy::too_many_arguments)]
    fn check_terms_and_requires(
        &self,
        doc: &Document,
        kind: Kind,
        audience: Audience,
        active: &[bool],
        scan: Scan,
        hits: &SentenceHits,
        out: &mut Vec<Diagnostic>,
    ) {
        let candidates = self.candidates(doc, active, scan.candidates, &scan.gates_open);
        self.judge(doc, audience, candidates, out);
        // A document with no prose (empty, blank, only code or markup) has nothing for a
        // document-level rule to judge.
        let has_prose = !doc.sentences().is_empty();
        for (i, rule) in self.rules.iter().enumerate() {
            if let (true, Some(req)) = (active[i], &rule.require)
                && has_prose
                && !req.satisfied(doc, hits)
            {
                let at = match req.at {
                    crate::rules::Anchor::Start => doc.start_of_prose(),
                    crate::rules::Anchor::End => doc.end_of_prose(),
                };
                out.push(Diagnostic {
                    rule: rule.meta.id.clone(),
                    severity: rule.meta.severity,
                    span: Span::empty(at),
                    message: fill(&rule.message, &[("{kind}", kind.as_str())]),
                    suggestion: rule.suggestion.as_ref().map(|s| fill(s, &[("{kind}", kind.as_str())])),
                    fix: None,
                });
            }
        }
    }

    /// Run the `metric`, `sections` or `pattern` shape of one rule.
    fn check_shape(&self, rule: &CompiledRule, cx: &Context, out: &mut Vec<Diagnostic>) {
        if let Some(shape) = &rule.shape {
            let info = RuleInfo {
                id: &rule.meta.id,
                severity: rule.meta.severity,
                forced: rule.forced,
                message: &rule.message,
                suggestion: rule.suggestion.as_deref(),
                skip_quoted: rule.skip_quoted,
                redact: rule.meta.redact,
            };
            shape.check(cx, &info, out);
        }
    }

    /// Does this rule report sensitive text (to be shown masked)?
    pub fn redacts(&self, rule: &str) -> bool {
        self.rule(rule).is_some_and(|r| r.redact)
    }

    /// Hits of active rules (phrases from the scan plus open-ended regexes), leftmost-longest
    /// and non-overlapping within each rule.
    fn candidates(
        &self,
        doc: &Document,
        active: &[bool],
        mut cands: Vec<Candidate>,
        gates_open: &[bool],
    ) -> Vec<Candidate> {
        let text = doc.masked.as_str();
        cands.retain(|c| c.owner.rule().is_some_and(|r| active[r]));
        for (k, (re, owner, gated)) in self.term_regexes.iter().enumerate() {
            if !owner.rule().is_some_and(|r| active[r]) || (*gated && !gates_open.get(k).copied().unwrap_or(false)) {
                continue;
            }
            if let Some(re) = re.get() {
                for m in re.find_iter(text) {
                    if m.start() < m.end() {
                        cands.push(Candidate {
                            owner: *owner,
                            span: Span::new(m.start(), m.end()),
                        });
                    }
                }
            }
        }
        cands.sort_by_key(|c| (c.owner.rule(), c.span.start, std::cmp::Reverse(c.span.end)));
        let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
        for c in cands {
            if let Some(last) = kept.last()
                && last.owner.rule() == c.owner.rule()
                && c.span.start < last.span.end
            {
                continue;
            }
            kept.push(c);
        }
        kept.sort_by_key(|c| (c.span.start, c.owner.rule()));
        kept
    }

    /// Apply guards, the glossary's first-use logic and messages.
    fn judge(&self, doc: &Document, audience: Audience, cands: Vec<Candidate>, out: &mut Vec<Diagnostic>) {
        let text = doc.text;
        // Glossary entries already settled (explained or reported) in this document.
        let mut settled = vec![false; self.glossary.len()];
        let mut quotes = QuoteTracker::new(&doc.masked);
        for c in cands {
            if out.len() >= JUDGE_LIMIT {
                break; // a pathological file: stop here (the caller reports the cap)
            }
            let Some(rule) = c.owner.rule().map(|r| &self.rules[r]) else {
                continue;
            };
            let matched = &text[c.span.start..c.span.end];
            if rule.skip_quoted && quotes.is_quoted(c.span) {
                continue;
            }
            match c.owner {
                Owner::Term { term, .. } => {
                    let t = &rule.terms[term];
                    if !t.passes(doc, c.span) {
                        continue;
                    }
                    let replacement = t.replacement.as_ref().filter(|_| t.fix_applies(doc, c.span));
                    let fix = replacement.map(|r| Fix {
                        replacement: r.clone(),
                        applicability: t.applicability,
                        edits: vec![Edit {
                            span: c.span,
                            replacement: r.clone(),
                        }],
                    });
                    out.push(Diagnostic {
                        rule: rule.meta.id.clone(),
                        severity: rule.forced.or(t.severity).unwrap_or(rule.meta.severity),
                        span: c.span,
                        message: fill(t.reason.as_deref().unwrap_or(&rule.message), &[("{text}", matched)]),
                        suggestion: t
                            .suggestion
                            .as_deref()
                            .or(rule.suggestion.as_deref())
                            .map(|s| fill(s, &[("{text}", matched)])),
                        fix,
                    });
                }
                Owner::Cue { .. } | Owner::Detect { .. } | Owner::Gate { .. } => {}
                Owner::Gloss {
                    entry, explains, exact, ..
                } => {
                    let e = &self.glossary[entry];
                    if settled[entry] || !e.is_jargon_for(audience) {
                        continue;
                    }
                    if explains {
                        settled[entry] = true;
                        continue;
                    }
                    if !exact && glossary::looks_like_label(doc.text, &doc.masked, c.span, &e.forms) {
                        continue;
                    }
                    // (Most configs accept no words: then no lower-cased copies to look up.)
                    if !self.accepted.is_empty()
                        && (self.accepted.contains(&e.term.to_lowercase())
                            || self.accepted.contains(&matched.to_lowercase()))
                    {
                        settled[entry] = true;
                        continue;
                    }
                    settled[entry] = true;
                    if glossary::is_explained(doc.text, &doc.masked, c.span) {
                        continue;
                    }
                    let (suggestion, replacement) = gloss_suggestion(matched, &e.gloss);
                    out.push(Diagnostic {
                        rule: rule.meta.id.clone(),
                        severity: rule.meta.severity,
                        span: c.span,
                        message: fill(
                            &rule.message,
                            &[
                                ("{term}", &e.term),
                                ("{text}", matched),
                                ("{audience}", audience.as_str()),
                            ],
                        ),
                        suggestion: Some(suggestion),
                        fix: Some(Fix {
                            edits: vec![Edit {
                                span: c.span,
                                replacement: replacement.clone(),
                            }],
                            replacement,
                            applicability: e.fix.unwrap_or(Applicability::Unsafe),
                        }),
                    });
                }
            }
        }
    }
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::Engine;

    /// A phrase wrapped at a line end is found as on one line (plain text and Markdown), with a
    /// one-line message; across a paragraph break it is not.
    #[test]
    fn a_phrase_wrapped_at_a_line_end_is_found() {
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        let blame = |text: &str, format: InputFormat| {
            let doc = Document::parse(text, format);
            let found = engine.check(&doc, Kind::Reply, Audience::EndUser);
            found
                .into_iter()
                .find(|d| d.rule == "blame-language")
                .map(|d| (d.span, d.message))
        };
        for format in [InputFormat::Text, InputFormat::Markdown] {
            let wrapped = "Hi Bob,\n\nThis was user\nerror on the shared drive.\n";
            let (span, message) = blame(wrapped, format).expect("found across the line end");
            assert_eq!(&wrapped[span.start..span.end], "user\nerror");
            assert!(message.starts_with("\"user error\""), "{message}");
            let tab = "Hi Bob,\n\nThis was user\terror on the shared drive.\n";
            assert!(blame(tab, format).is_some());
            let apart = "Hi Bob,\n\nWe spoke to the user\n\nError codes are listed below.\n";
            assert_eq!(blame(apart, format), None);
        }
    }

    /// Kind detection counts heading lines within its first 32 KB (`DETECT_SNIFF`), from the
    /// document's label lines, and a line the limit cuts as cut: the KB headings below decide
    /// the kind only where they lie inside the limit, whole or as the cut leaves them.
    #[test]
    fn heading_lines_count_for_the_kind_within_the_sniff_only() {
        use crate::document::{Document, InputFormat};
        use crate::profile::Kind;
        let engine = Engine::builtin().expect("built-in packs compile");
        let headings = "Symptoms\n\nCause\n\nResolution\n\n  Applies to:  \n";
        let detect = |text: &str| engine.detect_kind(&Document::parse(text, InputFormat::Text));
        assert_eq!(detect(headings), Kind::Kb);
        assert_eq!(detect("Thanks for the report.\n"), Kind::Reply);
        // Filler lines of 40 bytes (not headings, no cue words), then the headings.
        let filler = |bytes: usize| "lorem ipsum dolor sit amet consectetur.\n".repeat(bytes / 40);
        assert_eq!(detect(&format!("{}{headings}", filler(8_000))), Kind::Kb);
        assert_eq!(detect(&format!("{}{headings}", filler(40_000))), Kind::Reply);
        // A heading word the limit cuts a line after counts as a heading ("Symptoms" and the
        // rest of the line is none, whole; after the limit, nothing).
        let head = filler(super::DETECT_SNIFF - 40);
        let line = "Symptoms and more text on the same line\n";
        let pad = "x".repeat(super::DETECT_SNIFF - head.len() - "Symptoms".len() - 1);
        let cut = format!("{head}{pad}\n{line}");
        assert_eq!(
            &cut[super::DETECT_SNIFF - "Symptoms".len()..super::DETECT_SNIFF],
            "Symptoms"
        );
        assert_eq!(detect(&cut), Kind::Kb);
        assert_eq!(detect(&format!("{head}{line}")), Kind::Reply);
        assert_eq!(detect(&format!("{head}{pad}{pad}\n{line}")), Kind::Reply);
    }

    /// A long document's phrase scan, shared by threads piece by piece and put back together,
    /// is the scan of one thread: the same candidates in the same order, cue hits, detection
    /// scores and open gates.
    #[test]
    fn a_scan_shared_by_threads_is_the_scan_of_one() {
        use crate::document::{Document, InputFormat};
        let engine = Engine::builtin().expect("built-in packs compile");
        let body = "Investigating: the VPN outage began at 09:10 UTC; the root cause is under review. \
                    The VPN is down for staff in Leeds. As I already told you, this is \
                    user error. Restart the client and clear the DNS cache; we will update you by \
                    3pm. Impact: users cannot sign in to Outlook or SharePoint. If the problem \
                    persists, contact the service desk. Please reboot the server and check the \
                    LDAP and SMTP settings.\n\n";
        // The phrases that open the term regexes' word gates in the last piece only.
        let text = body.repeat(300_000 / body.len()) + "Their vendor team never patches it.\n";
        let doc = Document::parse(&text, InputFormat::Markdown);
        let one = engine.scan(&doc);
        assert!(one.candidates.len() > 1000 && one.cue_hits.len() > 1000);
        assert!(one.scores.iter().any(|&n| n > 0), "detection cues in the first piece");
        assert!(one.gates_open.iter().any(|&g| g), "a gate opened in the last piece");
        let one = format!("{one:?}");
        let bounds = crate::rules::piece_bounds(&doc.masked);
        assert!(bounds.len() >= 4, "{}", bounds.len());
        for threads in [1, 2, 3] {
            let next = std::sync::atomic::AtomicUsize::new(0);
            let mut parts: Vec<(usize, super::ScanPart)> = std::thread::scope(|scope| {
                let helpers: Vec<_> = (1..threads)
                    .map(|_| scope.spawn(|| engine.scan_shared(&doc, &bounds, &next)))
                    .collect();
                let mut parts = engine.scan_shared(&doc, &bounds, &next);
                for h in helpers {
                    parts.extend(h.join().unwrap());
                }
                parts
            });
            assert_eq!(parts.len(), bounds.len());
            // In whatever order the threads finished.
            parts.reverse();
            assert_eq!(format!("{:?}", engine.finish_shared(parts)), one, "{threads} threads");
        }
    }

    #[test]
    fn cue_hits_map_to_the_sentences_that_hold_them() {
        use crate::document::{Document, InputFormat};
        let engine = Engine::builtin().expect("built-in packs compile");
        let text = "We are investigating. The VPN is down for staff in Leeds, and we will update you \
                    by 3pm. Next steps: restart the client.\n\nImpact: users cannot sign in. \
                    If the problem persists, contact the service desk. We apologise.\n";
        let doc = Document::parse(text, InputFormat::Text);
        let scan = engine.scan(&doc);
        assert!(scan.cue_hits.len() >= 5, "{}", scan.cue_hits.len());
        assert!(
            scan.cue_hits.windows(2).all(|w| w[0].start <= w[1].start),
            "in order of start"
        );
        let mut reference = crate::rules::require::SentenceHits::new(engine.group_alias.clone());
        let sentences = doc.sentences();
        for hit in &scan.cue_hits {
            let e = hit.start + hit.len as usize;
            if let Some(i) = doc.sentence_at(hit.start).filter(|&i| sentences[i].end >= e) {
                reference.add(hit.group as usize, i);
            }
        }
        reference.finish();
        let reference = format!("{reference:?}");
        assert!(reference.contains("[0]") || reference.contains("[0,"), "{reference}");
        assert_eq!(format!("{:?}", engine.sentence_hits(&doc, &scan.cue_hits)), reference);
        let reversed: Vec<_> = scan.cue_hits.iter().rev().copied().collect();
        assert_eq!(format!("{:?}", engine.sentence_hits(&doc, &reversed)), reference);
    }

    #[test]
    fn the_unicode_scan_is_exact_on_the_builtin_patterns() {
        // `classes::needs_unicode` spares a doomed ASCII compile; on the built-in packs it must
        // say exactly which patterns fail in ASCII mode (else a pattern would be compiled with
        // Unicode classes that ASCII mode would have taken, or compiled twice).
        let engine = Engine::builtin().expect("built-in packs compile");
        let mut unicode = 0;
        for re in engine.lazy_regexes() {
            let (source, multi_line, case_insensitive) = re.parts();
            let pattern = crate::rules::require::ascii_word_boundaries(source);
            let ascii = regex_automata::meta::Builder::new()
                .syntax(
                    regex_automata::util::syntax::Config::new()
                        .utf8(true)
                        .unicode(false)
                        .case_insensitive(case_insensitive)
                        .multi_line(multi_line),
                )
                .build(&pattern);
            let needs = crate::rules::classes::needs_unicode(&pattern);
            assert_eq!(needs, ascii.is_err(), "{pattern}");
            unicode += usize::from(needs);
        }
        assert!(unicode >= 10, "{unicode}");
    }

    /// A term regex skipped for want of a word gate phrase would have found nothing: the
    /// findings with gates are those without, on texts made of the gated pattern's pieces and of
    /// what could fool the word scan (a non-ASCII letter or `_` against a phrase, capitals,
    /// markup, HTML entities).
    #[test]
    fn word_gates_never_lose_a_match() {
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        use proptest::prelude::*;
        let gated = Engine::builtin().expect("built-in packs compile");
        assert!(
            gated.term_regexes.iter().any(|(_, _, g)| *g),
            "a built-in term regex is gated"
        );
        let mut plain = Engine::builtin().expect("built-in packs compile");
        plain.term_regexes.iter_mut().for_each(|(_, _, g)| *g = false);
        let check = |engine: &Engine, text: &str, format: InputFormat| {
            let doc = Document::parse(text, format);
            format!("{:?}", engine.check(&doc, Kind::Reply, Audience::EndUser))
        };
        let blamed = "The big team never patches anything.";
        assert!(check(&gated, blamed, InputFormat::Text).contains("blame-language"));
        let pieces = [
            "the ",
            "our ",
            "their ",
            "that ",
            "big ",
            "team",
            "vendor",
            "s",
            " ",
            "never",
            "always",
            "keeps",
            "can't even",
            " patch",
            "es",
            "\u{e9}",
            "_",
            "-",
            "\n",
            ". ",
            "TEAM ",
            "Never ",
            "**",
            "`",
            "&amp;",
            "<b>",
            "&#116;eam",
            "Team Never Patches",
            // A whole match in one piece: most cases reach the gated regex.
            " our vendors keep breaking ",
        ];
        let hits = std::sync::atomic::AtomicUsize::new(0);
        proptest!(ProptestConfig::with_cases(400), |(parts in prop::collection::vec(prop::sample::select(pieces.to_vec()), 0..24), f in 0..3usize)| {
            let text = parts.concat();
            let format = [InputFormat::Text, InputFormat::Markdown, InputFormat::Html][f];
            let with = check(&gated, &text, format);
            hits.fetch_add(usize::from(with.contains("blame-language")), std::sync::atomic::Ordering::Relaxed);
            prop_assert_eq!(with, check(&plain, &text, format), "{:?}", text);
        });
        assert!(hits.into_inner() > 10, "the texts reach the gated regex");
    }

    /// A config's term pattern with a case-sensitive part: its gate holds that part's words
    /// too (`(?-i:[XY])` matches `X`, whose lower-case copy is `x`).
    #[test]
    fn a_gated_user_pattern_with_a_case_sensitive_part_still_matches() {
        use crate::config::Settings;
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        use crate::rules::TermDef;
        let mut settings = Settings::default();
        settings.terms.insert(
            "blame-language".into(),
            vec![TermDef {
                patterns: vec![r"\bsee (?:ticket|(?-i:[XY])) now\w*".into()],
                ..Default::default()
            }],
        );
        let engine = Engine::new(&settings).expect("the config compiles");
        assert!(
            engine
                .term_regexes
                .iter()
                .any(|(re, _, gated)| *gated && re.source().contains("(?-i:[XY])"))
        );
        for (text, found) in [
            ("Please see X now.", true),
            ("Please see ticket now.", true),
            ("Please see x now.", false),
        ] {
            let doc = Document::parse(text, InputFormat::Text);
            let hits = engine.check(&doc, Kind::Reply, Audience::EndUser);
            assert_eq!(
                hits.iter().any(|d| d.rule == "blame-language"),
                found,
                "{text}: {hits:?}"
            );
        }
    }

    /// `shouting`'s entries search only the runs of their patterns' bytes around two capitals
    /// side by side: the findings are those of a search of the whole text, on texts of capitals,
    /// acronyms, code, markup, accents, punctuation and lines of every length.
    #[test]
    fn capital_runs_find_what_the_whole_text_search_finds() {
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        use crate::rules::pattern::NO_CAPITAL_RUNS;
        use proptest::prelude::*;
        use std::sync::atomic::Ordering;
        let engine = Engine::builtin().expect("built-in packs compile");
        let check = |text: &str, format: InputFormat, whole: bool| {
            let doc = Document::parse(text, format);
            let _one_at_a_time = super::NO_WINDOWS_TESTS.lock().unwrap_or_else(|e| e.into_inner());
            NO_CAPITAL_RUNS.store(whole, Ordering::SeqCst);
            let found = engine.check(&doc, Kind::Reply, Audience::EndUser);
            NO_CAPITAL_RUNS.store(false, Ordering::SeqCst);
            format!("{found:?}")
        };
        let pieces = [
            "please DO NOT unplug it ",
            "THE SERVER IS DOWN",
            "DO ",
            "NOT ",
            "NEVER",
            "restart the PC ",
            "the VPN and DNS ",
            "A ",
            "I ",
            ", ",
            "\t",
            "\n",
            "\n\n",
            "- ",
            "# HEADING ",
            "`CODE NOT`",
            "**",
            "IT ",
            "ok. ",
            "\u{e9}",
            "NOTE: ",
        ];
        let hits = std::sync::atomic::AtomicUsize::new(0);
        proptest!(ProptestConfig::with_cases(300), |(parts in prop::collection::vec(prop::sample::select(pieces.to_vec()), 0..24), md in any::<bool>())| {
            let text = parts.concat();
            let format = if md { InputFormat::Markdown } else { InputFormat::Text };
            let lines = check(&text, format, false);
            hits.fetch_add(usize::from(lines.contains("shouting")), Ordering::Relaxed);
            prop_assert_eq!(lines, check(&text, format, true), "{:?}", text);
        });
        assert!(hits.into_inner() > 30, "the texts have shouting findings");
    }

    #[test]
    fn precompile_compiles_every_regex() {
        let engine = Engine::builtin().expect("built-in packs compile");
        let all = engine.lazy_regexes();
        // Every shape that holds regexes is visited: detection, terms, require, sections, pattern.
        assert!(all.len() > 100, "{}", all.len());
        assert!(
            all.iter().all(|re| !re.is_compiled()),
            "built-in regexes compile on first use"
        );
        engine.precompile(3);
        assert!(all.iter().all(|re| re.is_compiled()));
    }

    /// `run` with keyword windows, then without them: one such comparison at a time (the
    /// switch is shared by the tests running meanwhile).
    fn with_and_without_windows<T>(run: impl Fn() -> T) -> (T, T) {
        let _one_at_a_time = super::NO_WINDOWS_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let windowed = run();
        super::NO_WINDOWS.store(true, std::sync::atomic::Ordering::SeqCst);
        let whole = run();
        super::NO_WINDOWS.store(false, std::sync::atomic::Ordering::SeqCst);
        (windowed, whole)
    }

    /// A long document: the `pattern` entries that search around their keywords find the same
    /// matches as a search of the whole text, for every kind and audience.
    #[test]
    fn keyword_windows_find_what_the_whole_text_search_finds() {
        use super::WINDOW_DOC_BYTES;
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        // Lines of varied length so that windows start and end mid-document, some merging.
        let parts = [
            "Hi [Name], as I already told you, obviously you just restart the PC.\n",
            "We apologize for any inconvenience this may have caused!! Sorry if you felt ignored.\n",
            "The DNS and VPN are fine; it's easy, simply reboot, and then just\nsimply sign in again.\n",
            "YOUR ACCOUNT IS NOT LOCKED. Of course, we'll fix it ASAP, at some point soon.\n",
            "Your password is Hunter2-Secret-99 and the token: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
            "A plain line about printers and queues with nothing to find in it at all.\n\n",
            "TODO: fill in XXX before sending. {{first_name}} %USERNAME% INC0000000\n",
        ];
        let mut text = String::new();
        let mut i = 0usize;
        while text.len() < WINDOW_DOC_BYTES + 4096 {
            text.push_str(parts[i % parts.len()]);
            if i.is_multiple_of(5) {
                text.push_str(&"filler words without keywords ".repeat(i % 7));
                text.push('\n');
            }
            i += 1;
        }
        let doc = Document::parse(&text, InputFormat::Text);
        for kind in [Kind::Reply, Kind::Incident, Kind::Kb, Kind::Handoff, Kind::Change] {
            for audience in [Audience::EndUser, Audience::Technical] {
                let (windowed, whole) = with_and_without_windows(|| engine.check(&doc, kind, audience));
                let patterned = whole
                    .iter()
                    .filter(|d| {
                        [
                            "condescending-tone",
                            "hollow-apology",
                            "secret-in-text",
                            "template-placeholder",
                        ]
                        .contains(&d.rule.as_str())
                    })
                    .count();
                assert!(patterned > 50, "{kind:?}: {patterned}");
                assert_eq!(format!("{windowed:?}"), format!("{whole:?}"), "{kind:?}/{audience:?}");
            }
        }
    }

    /// A short document: the `raw` entries (the secrets) search around their keywords, with
    /// the same findings as a search of the whole text, across blank lines too.
    #[test]
    fn short_documents_search_around_the_keywords_of_raw_entries() {
        use super::WINDOW_DOC_BYTES;
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        let texts = [
            "Hi Sam,\n\nYour temporary password\n\n   \n  is Blue-Harbor-42 for today.\n\nThanks,\nAl\n",
            "Use the key below.\n\napi_key = \"Zk8vQ2xT9rLm4WpN7cYb1HsD\"\n\nThe recovery key is\n111111-222222-333333-444444-555555-666666-777777-888888\n",
            "A line with no secrets at all, about printers.\n",
            "password: is nothing here\n- item\n- 2024-01-02\n",
        ];
        let rows: Vec<bool> = vec![true; engine.rules.len()];
        for (i, text) in texts.iter().enumerate() {
            for format in [InputFormat::Text, InputFormat::Markdown] {
                let doc = Document::parse(text, format);
                assert!(doc.text.len() < WINDOW_DOC_BYTES);
                let ((located, windowed), (_, whole)) = with_and_without_windows(|| {
                    (
                        engine.locate_keywords(&doc, &rows),
                        engine.check(&doc, Kind::Reply, Audience::EndUser),
                    )
                });
                if i < 2 {
                    assert!(located.at.iter().any(Option::is_some), "{i}: nothing located");
                }
                let secrets = whole.iter().filter(|d| d.rule == "secret-in-text").count();
                assert_eq!(secrets, [1, 2, 0, 0][i], "{i} {format:?}: {whole:?}");
                assert_eq!(format!("{windowed:?}"), format!("{whole:?}"), "{i} {format:?}");
            }
        }
    }

    /// A short document's prose entries whose keywords hold no white space are located in the
    /// original text (the one keyword pass), unless the masked copy has bytes of its own (an
    /// HTML entity decoded): the same findings as a search of the whole text either way.
    #[test]
    fn short_documents_locate_solid_prose_keywords_in_the_original() {
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        // Lines of prose far from any "<" (the windows around the tags stay under half the text).
        let filler = "The laptop has the new disk, the old files and the printer set up.\n".repeat(8);
        let html = format!(
            "<p>\n{filler}Hello &lt;insert name&gt;, your laptop is ready.\n{filler}</p>\n<p>\nTODO: [Customer Name]\n</p>\n"
        );
        let cases = [
            // "<" of HTML tags is in the original; the placeholder's "<" only in the prose.
            (html.as_str(), InputFormat::Html, false),
            (
                "Hello [Customer Name],\n\nTODO add the `<insert date>` and {{ first_name }} XXX\n\n    <code> [name]\n",
                InputFormat::Markdown,
                true,
            ),
            (
                "Hi [Name], %USERNAME% and INC0000000 and [FILL IN THE DATE].\n",
                InputFormat::Text,
                true,
            ),
        ];
        let every: Vec<bool> = vec![true; engine.rules.len()];
        for (text, format, only_blanked) in cases {
            let doc = Document::parse(text, format);
            assert_eq!(doc.only_blanked, only_blanked, "{format:?}");
            for kind in [Kind::Reply, Kind::Kb] {
                let ((located, windowed), (_, whole)) = with_and_without_windows(|| {
                    (
                        engine.locate_keywords(&doc, &every),
                        engine.check(&doc, kind, Audience::EndUser),
                    )
                });
                let placeholders = whole.iter().filter(|d| d.rule == "template-placeholder").count();
                assert!(placeholders >= 2, "{format:?} {kind:?}: {whole:?}");
                assert_eq!(format!("{windowed:?}"), format!("{whole:?}"), "{format:?} {kind:?}");
                // The prose entries' keywords are located when the masked copy was only blanked.
                let located_prose = engine.rules.iter().filter_map(|r| r.shape.as_ref()).any(|shape| {
                    let n = located.at.len();
                    let (mut raw, mut prose, mut solid) = (vec![false; n], vec![false; n], vec![false; n]);
                    shape.locatable(&mut raw, &mut prose, &mut solid);
                    (0..n).any(|o| prose[o] && solid[o] && located.at[o].is_some())
                });
                assert_eq!(located_prose, only_blanked, "{format:?}");
            }
        }
    }

    /// A prose match over an HTML entity is quoted as the prose reads, not as the bytes of the
    /// original at its offsets; where the prose only blanked bytes, the original is quoted.
    #[test]
    fn prose_matches_over_decoded_entities_are_quoted_as_read() {
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        let quoted = |text: &str, format: InputFormat| -> Vec<String> {
            let doc = Document::parse(text, format);
            engine
                .check(&doc, Kind::Reply, Audience::EndUser)
                .into_iter()
                .filter(|d| d.rule == "template-placeholder")
                .map(|d| d.message)
                .collect()
        };
        let html = quoted(
            "<p>Hello &lt;insert   name&gt;, your laptop is ready.</p>",
            InputFormat::Html,
        );
        assert_eq!(html.len(), 1, "{html:?}");
        assert!(html[0].starts_with("\"<insert name>\" "), "{html:?}");
        let plain = quoted("Hello <insert   name>, your laptop is ready.\n", InputFormat::Text);
        assert!(plain[0].starts_with("\"<insert   name>\" "), "{plain:?}");
    }

    /// Masking can make a keyword the original text lacks: "of\\*course\\*" in Markdown reads
    /// "of course" in the prose the entry searches, so that is where its keywords are located.
    #[test]
    fn keywords_made_by_masking_are_located_in_the_prose() {
        use super::WINDOW_DOC_BYTES;
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        let mut text = String::from("Well, of course you can reset it yourself.\n\n");
        text.push_str(&"A plain paragraph about printers and queues.\n\n".repeat(WINDOW_DOC_BYTES / 40));
        text.push_str("Well, of*course* you can reset it yourself.\n");
        let doc = Document::parse(&text, InputFormat::Markdown);
        let (windowed, whole) = with_and_without_windows(|| engine.check(&doc, Kind::Reply, Audience::EndUser));
        let late = text.rfind("of*course").unwrap();
        assert!(
            whole
                .iter()
                .any(|d| d.rule == "condescending-tone" && d.span.start >= late),
            "{whole:?}"
        );
        assert_eq!(format!("{windowed:?}"), format!("{whole:?}"));
    }

    /// A document long enough for the keyword pass to run beside the scan and locate the
    /// keywords: the same findings on 2 threads as on 1.
    #[test]
    fn long_document_on_two_threads_matches_one_thread() {
        use super::WINDOW_DOC_BYTES;
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        let part = "Obviously you just restart the PC ASAP!! We apologize for any inconvenience.\n\
                    The DNS is fine. Your password is Hunter2-Secret-99. TODO: add the [Name].\n\n";
        let text = part.repeat(WINDOW_DOC_BYTES / part.len() + 2);
        let doc = Document::parse(&text, InputFormat::Text);
        for kind in [None, Some(Kind::Reply), Some(Kind::Incident)] {
            let one = engine.check_detecting_on(&doc, kind, Audience::EndUser, 1);
            let two = engine.check_detecting_on(&doc, kind, Audience::EndUser, 2);
            assert!(one.1.len() > 100, "{}", one.1.len());
            assert_eq!(format!("{one:?}"), format!("{two:?}"), "{kind:?}");
        }
    }

    /// A document long enough for the parallel path, with findings from term, `require` and
    /// shape rules: every kind and audience gives the same findings, in the same order, on
    /// 1, 2 and 5 threads.
    #[test]
    fn one_document_on_several_threads_matches_one_thread() {
        use super::PARALLEL_DOC_BYTES;
        use crate::document::{Document, InputFormat};
        use crate::profile::{Audience, Kind};
        let engine = Engine::builtin().expect("built-in packs compile");
        let part = "Hi [Name],\n\nAs I already told you, this is user error. Obviously you just restart the \
                    PC ASAP!! The DNS and VPN are fine, and the server was rebooted by mistake at some \
                    point. YOUR ACCOUNT IS NOT LOCKED. Your password is Hunter2-Secret-99.\n\n\
                    We apologize for any inconvenience. The mail gateway failed after a certificate \
                    expired, which meant that the relay queued every message for the whole of the \
                    morning while the team worked out which of the three certificates had lapsed.\n\n\
                    Staff could not send email.\n\nThanks,\nPat\n\n";
        let text = part.repeat(PARALLEL_DOC_BYTES / part.len() + 2);
        let doc = Document::parse(&text, InputFormat::Text);
        for kind in [Kind::Reply, Kind::Incident, Kind::Kb, Kind::Handoff, Kind::Change] {
            for audience in [Audience::EndUser, Audience::Manager, Audience::Technical] {
                let (_, one) = engine.check_detecting_on(&doc, Some(kind), audience, 1);
                let rules: std::collections::HashSet<&str> = one.iter().map(|d| d.rule.as_str()).collect();
                assert!(rules.len() >= 4, "{kind:?}/{audience:?}: {rules:?}");
                for threads in [2, 5] {
                    let (_, many) = engine.check_detecting_on(&doc, Some(kind), audience, threads);
                    assert_eq!(
                        format!("{one:?}"),
                        format!("{many:?}"),
                        "{kind:?}/{audience:?} on {threads} threads"
                    );
                }
            }
        }
    }
}
