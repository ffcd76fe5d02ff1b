//! The shapes that run after the shared phrase and regex scan: `metric`, `sections` and
//! `pattern`. The engine compiles one [`CompiledShape`] per rule and calls [`CompiledShape::check`]
//! with a per-document [`Context`] that computes shared work (word and syllable counts) once.

use super::metric::CompiledMetric;
use super::pattern::CompiledPatterns;
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
    stats: OnceLock<TextStats>,
}

impl<'d, 'a> Context<'d, 'a> {
    pub fn new(doc: &'d Document<'a>, kind: Kind, audience: Audience) -> Self {
        Context {
            doc,
            kind,
            audience,
            stats: OnceLock::new(),
        }
    }

    /// Words and syllables per sentence, computed on first use and shared by every metric rule.
    pub fn stats(&self) -> &TextStats {
        self.stats.get_or_init(|| TextStats::of(self.doc))
    }

    /// Words of prose (as the reading grade counts them), without counting syllables when the
    /// full statistics are not needed anyway.
    pub fn words(&self) -> u32 {
        match self.stats.get() {
            Some(st) => st.words(),
            None => self
                .doc
                .sentences
                .iter()
                .map(|s| {
                    self.doc.masked[s.start..s.end]
                        .split_whitespace()
                        .filter(|t| t.chars().any(char::is_alphanumeric))
                        .count() as u32
                })
                .sum(),
        }
    }
}

/// What compiling a shape may look at besides its own rule.
pub struct Known {
    /// Every rule's `require` table by id (for `cues_from`).
    pub requires: HashMap<String, RequireDef>,
    /// Glossary forms written without lowercase letters (acronyms), and accepted words, upper-cased.
    pub acronyms: HashSet<String>,
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
        Known { requires, acronyms }
    }
}

#[derive(Debug)]
pub enum CompiledShape {
    Metric(CompiledMetric),
    Sections(CompiledSections),
    Pattern(CompiledPatterns),
}

impl CompiledShape {
    /// Compile the shape of `def` when it is one of the shapes here.
    pub fn new(def: &RuleDef, known: &Known) -> Result<Option<Self>, String> {
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
                Some(CompiledShape::Sections(CompiledSections::new(s, known)?))
            }
            Shape::Pattern => {
                if def.pattern.is_empty() {
                    return Err("shape `pattern` needs [[rule.pattern]] entries".into());
                }
                Some(CompiledShape::Pattern(CompiledPatterns::new(&def.pattern, known)?))
            }
            Shape::Terms | Shape::Glossary | Shape::Require => None,
        })
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
