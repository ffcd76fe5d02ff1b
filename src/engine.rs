//! The engine: compiles settings + rule packs into matchers ONCE, then checks documents.
//!
//! All phrase lists (every `terms` rule and every glossary form) share one aho-corasick
//! automaton; regex terms sit behind one `RegexSet` prefilter; no rule re-scans the text.

use crate::config::Settings;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::document::{Document, InputFormat};
use crate::error::Error;
use crate::profile::{Audience, Kind};
use crate::rules::glossary::{self, gloss_suggestion};
use crate::rules::require::{self, CompiledRequire};
use crate::rules::shapes::{CompiledShape, Context, Known, RuleInfo};
use crate::rules::terms::{CompiledTerm, at_word_boundaries, is_quoted};
use crate::rules::{BUILTIN_PACKS, GlossaryEntry, Pack, RuleDef, RuleMeta, Shape};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

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
}

impl Owner {
    fn rule(self) -> usize {
        match self {
            Owner::Term { rule, .. } | Owner::Gloss { rule, .. } => rule,
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
    cues: Vec<(Kind, require::LazyAlternation, u32)>,
}

/// A compiled set of rules, ready to check any number of documents.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    glossary: Vec<GlossaryEntry>,
    accepted: HashSet<String>,
    phrases: Option<AhoCorasick>,
    /// Per phrase pattern: owner, and the exact text when the match is case-sensitive.
    phrase_owners: Vec<(Owner, Option<String>)>,
    regex_set: TermRegexes,
    /// Owner of each term pattern, in `regex_set` order.
    regexes: Vec<Owner>,
    detector: Detector,
}

/// Term regexes: a `RegexSet` prefilter plus one regex per pattern, compiled on first use.
#[derive(Debug)]
struct TermRegexes {
    sources: Vec<String>,
    compiled: OnceLock<Option<(RegexSet, Vec<Regex>)>>,
}

impl TermRegexes {
    fn get(&self) -> Option<&(RegexSet, Vec<Regex>)> {
        if self.sources.is_empty() {
            return None;
        }
        self.compiled
            .get_or_init(|| {
                let limit = require::REGEX_SIZE_LIMIT;
                let set = RegexSetBuilder::new(&self.sources)
                    .size_limit(4 * limit)
                    .dfa_size_limit(4 * limit)
                    .build()
                    .ok()?;
                let each = self
                    .sources
                    .iter()
                    .map(|p| RegexBuilder::new(p).size_limit(limit).dfa_size_limit(limit).build())
                    .collect::<Result<Vec<_>, _>>()
                    .ok()?;
                Some((set, each))
            })
            .as_ref()
    }
}

/// A raw hit before guards.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    owner: Owner,
    span: Span,
}

impl Engine {
    /// The built-in packs with default settings.
    pub fn builtin() -> Result<Engine, Error> {
        Engine::new(&Settings::default())
    }

    pub fn new(settings: &Settings) -> Result<Engine, Error> {
        let mut defs: Vec<RuleDef> = Vec::new();
        let mut glossary: Vec<GlossaryEntry> = Vec::new();
        let mut detect = Vec::new();
        let mut packs: Vec<(PathBuf, &str)> = BUILTIN_PACKS.iter().map(|(n, s)| (PathBuf::from(n), *s)).collect();
        packs.extend(settings.packs.iter().map(|(p, s)| (p.clone(), s.as_str())));
        for (path, src) in packs {
            let pack: Pack = toml::from_str(src).map_err(|e| Error::toml(&path, src, &e))?;
            for rule in pack.rule {
                // A later pack's rule with the same id replaces the earlier one in place.
                match defs.iter_mut().find(|d| d.id == rule.id) {
                    Some(slot) => *slot = rule,
                    None => defs.push(rule),
                }
            }
            glossary.extend(pack.glossary);
            detect.extend(pack.detect);
        }
        glossary.extend(settings.glossary.iter().cloned());
        for (rule, extra) in &settings.terms {
            let Some(def) = defs.iter_mut().find(|d| &d.id == rule) else {
                return Err(settings
                    .error(format!("`terms.{rule}`: no such rule"))
                    .with_help("run `ticketlint rules` to list rule ids"));
            };
            def.terms.extend(extra.iter().cloned());
        }
        let known: HashSet<&str> = defs.iter().map(|d| d.id.as_str()).collect();
        for id in settings
            .select
            .iter()
            .flatten()
            .chain(&settings.ignore)
            .chain(settings.severity.keys())
        {
            if !known.contains(id.as_str()) {
                return Err(settings
                    .error(format!("unknown rule `{id}`"))
                    .with_help("run `ticketlint rules` to list rule ids"));
            }
        }
        let enabled = |id: &str| {
            settings.select.as_ref().is_none_or(|s| s.iter().any(|x| x == id))
                && !settings.ignore.iter().any(|x| x == id)
        };

        let mut rules = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut phrase_owners = Vec::new();
        let mut regex_src: Vec<String> = Vec::new();
        let mut regexes = Vec::new();
        let known = Known::new(&defs, &glossary, &settings.accept);
        for def in defs.into_iter().filter(|d| enabled(&d.id)) {
            let idx = rules.len();
            let rule_err = |m: String| Error::config(PathBuf::from("rules"), format!("rule `{}`: {m}", def.id));
            let mut terms = Vec::new();
            for (ti, t) in def.terms.iter().enumerate() {
                terms.push(CompiledTerm::new(t));
                let owner = Owner::Term { rule: idx, term: ti };
                for p in &t.phrases {
                    patterns.push(p.clone());
                    phrase_owners.push((owner, t.case_sensitive.then(|| p.clone())));
                }
                for p in &t.patterns {
                    require::validate(p).map_err(rule_err)?;
                    let p = require::ascii_word_boundaries(p);
                    regex_src.push(if t.case_sensitive { p } else { format!("(?i:{p})") });
                    regexes.push(owner);
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
                Some(r) => Some(CompiledRequire::new(r).map_err(rule_err)?),
                None if def.shape == Shape::Require => {
                    return Err(rule_err("shape `require` needs a [rule.require] table".into()));
                }
                None => None,
            };
            let shape = CompiledShape::new(&def, &known).map_err(rule_err)?;
            let forced = settings.severity.get(&def.id).copied();
            rules.push(CompiledRule {
                meta: RuleMeta {
                    severity: forced.unwrap_or(def.severity),
                    kinds: def.kinds.clone().unwrap_or_else(|| Kind::ALL.to_vec()),
                    audiences: def.audiences.clone().unwrap_or_else(|| Audience::ALL.to_vec()),
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
        let phrases = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    // A contiguous NFA builds ~4x faster than a DFA for ~1,700 patterns and still
                    // scans at ~100 MB/s per core: start-up matters for a 2 KB draft.
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| Error::config("rules", format!("cannot build the phrase matcher: {e}")))?,
            )
        };
        let regex_set = TermRegexes {
            sources: regex_src,
            compiled: OnceLock::new(),
        };
        let mut cues = Vec::new();
        for d in detect {
            if let Some(re) = require::LazyAlternation::new(&d.cues, true)
                .map_err(|m| Error::config("rules", format!("detect cue: {m}")))?
            {
                cues.push((d.kind, re, d.weight));
            }
        }
        let accepted = settings.accept.iter().map(|w| w.to_lowercase()).collect();
        Ok(Engine {
            rules,
            glossary,
            accepted,
            phrases,
            phrase_owners,
            regex_set,
            regexes,
            detector: Detector { cues },
        })
    }

    /// Compile every lazily compiled pattern now; an error names the first that fails.
    pub fn compile_all(&self) -> Result<(), String> {
        if !self.regex_set.sources.is_empty() && self.regex_set.get().is_none() {
            return Err("a term pattern exceeds the size limit".into());
        }
        for r in &self.rules {
            if let Some(req) = &r.require {
                req.force().map_err(|e| format!("rule `{}`: {e}", r.meta.id))?;
            }
            if let Some(shape) = &r.shape {
                shape.force().map_err(|e| format!("rule `{}`: {e}", r.meta.id))?;
            }
        }
        for (kind, re, _) in &self.detector.cues {
            re.force().map_err(|e| format!("detect cue for {kind}: {e}"))?;
        }
        Ok(())
    }

    /// Metadata of every enabled rule, in stable order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|r| &r.meta)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules().find(|r| r.id == id)
    }

    /// Number of glossary entries loaded.
    pub fn glossary_len(&self) -> usize {
        self.glossary.len()
    }

    /// Guess the kind of a document from its text (used when nothing else says).
    pub fn detect_kind(&self, doc: &Document) -> Kind {
        const SNIFF: usize = 32 * 1024;
        let mut end = doc.masked.len().min(SNIFF);
        while !doc.masked.is_char_boundary(end) {
            end -= 1;
        }
        let text = &doc.masked[..end];
        let mut scores = [0u32; 5];
        for (kind, re, weight) in &self.detector.cues {
            let n = re.get().map_or(0, |re| re.find_iter(text).take(3).count()) as u32;
            scores[Kind::ALL.iter().position(|k| k == kind).unwrap_or(0)] += n * weight;
        }
        let best = scores
            .iter()
            .enumerate()
            .max_by_key(|&(i, s)| (*s, std::cmp::Reverse(i)));
        match best {
            Some((i, &s)) if s > 0 => Kind::ALL[i],
            _ => match doc.format {
                InputFormat::Markdown => Kind::Kb,
                InputFormat::Text => Kind::Reply,
            },
        }
    }

    /// Check one document as `kind` for `audience`. Findings come back sorted by position.
    pub fn check(&self, doc: &Document, kind: Kind, audience: Audience) -> Vec<Diagnostic> {
        let active: Vec<bool> = self
            .rules
            .iter()
            .map(|r| r.meta.kinds.contains(&kind) && r.meta.audiences.contains(&audience))
            .collect();
        let mut out = Vec::new();
        if active.iter().any(|&a| a) {
            let candidates = self.candidates(doc, &active);
            self.judge(doc, audience, candidates, &mut out);
            for (i, rule) in self.rules.iter().enumerate() {
                if let (true, Some(req)) = (active[i], &rule.require)
                    && !req.satisfied(doc)
                {
                    let at = match req.at {
                        crate::rules::Anchor::Start => doc.start_of_prose(),
                        crate::rules::Anchor::End => doc.end_of_prose(),
                    };
                    out.push(Diagnostic {
                        rule: rule.meta.id.clone(),
                        severity: rule.meta.severity,
                        span: Span::empty(at),
                        message: rule.message.replace("{kind}", kind.as_str()),
                        suggestion: rule.suggestion.as_ref().map(|s| s.replace("{kind}", kind.as_str())),
                        fix: None,
                    });
                }
            }
            self.check_shapes(doc, kind, audience, &active, &mut out);
        }
        let order: std::collections::HashMap<&str, usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta.id.as_str(), i))
            .collect();
        out.sort_by_key(|d| {
            (
                d.span.start,
                d.span.end,
                order.get(d.rule.as_str()).copied().unwrap_or(usize::MAX),
            )
        });
        out
    }

    /// Run the rules of the `metric`, `sections` and `pattern` shapes.
    fn check_shapes(&self, doc: &Document, kind: Kind, audience: Audience, active: &[bool], out: &mut Vec<Diagnostic>) {
        let cx = Context::new(doc, kind, audience);
        for (rule, _) in self.rules.iter().zip(active).filter(|(_, a)| **a) {
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
                shape.check(&cx, &info, out);
            }
        }
    }

    /// Does this rule report sensitive text (to be shown masked)?
    pub fn redacts(&self, rule: &str) -> bool {
        self.rule(rule).is_some_and(|r| r.redact)
    }

    /// Raw hits of every active phrase and regex, one scan each, leftmost-longest per rule.
    fn candidates(&self, doc: &Document, active: &[bool]) -> Vec<Candidate> {
        let text = doc.masked.as_str();
        let mut cands = Vec::new();
        if let Some(ac) = &self.phrases {
            for m in ac.find_overlapping_iter(text) {
                let (owner, exact) = &self.phrase_owners[m.pattern().as_usize()];
                if !active[owner.rule()] {
                    continue;
                }
                let (s, e) = (m.start(), m.end());
                if exact.as_ref().is_some_and(|x| &text[s..e] != x) || !at_word_boundaries(text, s, e) {
                    continue;
                }
                cands.push(Candidate {
                    owner: *owner,
                    span: Span::new(s, e),
                });
            }
        }
        let any_active_patterns = self.regexes.iter().any(|o| active[o.rule()]);
        if let Some((set, each)) = self.regex_set.get().filter(|_| any_active_patterns) {
            for i in set.matches(text).iter() {
                let (re, owner) = (&each[i], &self.regexes[i]);
                if !active[owner.rule()] {
                    continue;
                }
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
        // Leftmost-longest, non-overlapping within each rule.
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
        for c in cands {
            let rule = &self.rules[c.owner.rule()];
            let matched = &text[c.span.start..c.span.end];
            if rule.skip_quoted && is_quoted(&doc.masked, c.span) {
                continue;
            }
            match c.owner {
                Owner::Term { term, .. } => {
                    let t = &rule.terms[term];
                    if !t.passes(doc, c.span) {
                        continue;
                    }
                    let fix = t.replacement.as_ref().map(|r| Fix {
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
                        message: t
                            .reason
                            .clone()
                            .unwrap_or_else(|| rule.message.clone())
                            .replace("{text}", matched),
                        suggestion: t
                            .suggestion
                            .clone()
                            .or_else(|| rule.suggestion.clone())
                            .map(|s| s.replace("{text}", matched)),
                        fix,
                    });
                }
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
                    if glossary::looks_like_label(&doc.masked, c.span, exact) {
                        continue;
                    }
                    if self.accepted.contains(&e.term.to_lowercase()) || self.accepted.contains(&matched.to_lowercase())
                    {
                        settled[entry] = true;
                        continue;
                    }
                    settled[entry] = true;
                    if glossary::is_explained(&doc.masked, c.span) {
                        continue;
                    }
                    let (suggestion, replacement) = gloss_suggestion(matched, &e.gloss);
                    out.push(Diagnostic {
                        rule: rule.meta.id.clone(),
                        severity: rule.meta.severity,
                        span: c.span,
                        message: rule
                            .message
                            .replace("{term}", &e.term)
                            .replace("{text}", matched)
                            .replace("{audience}", audience.as_str()),
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
