//! The `require` shape: a document-level requirement. The document passes when one sentence
//! matches, for one of the `sentence` cues, a pattern of every group in its `all` list (e.g. an
//! affected party AND an effect), or when an `anywhere` pattern matches (e.g. an "Impact:"
//! heading). Sentences matching `unless` never count ("we are unable to provide any timeframe").
//!
//! Patterns are validated when the pack loads (a cheap parse) but compiled on first use: a run
//! that never checks an incident does not pay for the impact cues.

use super::RequireDef;
use crate::document::Document;
use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Size limits for every user-supplied pattern (a runaway pattern is an error, not a hang).
pub const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Check a pattern's syntax without compiling it (an AST parse: no case folding, no NFA).
pub fn validate(pattern: &str) -> Result<(), String> {
    regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| format!("invalid pattern {pattern:?}: {e}"))
}

/// Rewrite `\b` to the ASCII word boundary `(?-u:\b)`. A Unicode `\b` makes the regex crate's
/// lazy DFA give up on any non-ASCII text and fall back to engines that are 10-100x slower; an
/// ASCII boundary differs only next to non-ASCII letters, which IT prose rarely puts at a cue's edge.
pub fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn compile(pattern: &str, multi_line: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&ascii_word_boundaries(pattern))
        .case_insensitive(true)
        .multi_line(multi_line)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// One case-insensitive alternation of patterns, validated now and compiled on first use.
#[derive(Debug)]
pub struct LazyAlternation {
    source: String,
    multi_line: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyAlternation {
    pub fn new(patterns: &[String], multi_line: bool) -> Result<Option<Self>, String> {
        if patterns.is_empty() {
            return Ok(None);
        }
        for p in patterns {
            validate(p)?;
        }
        let source = patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        Ok(Some(LazyAlternation {
            source,
            multi_line,
            compiled: OnceLock::new(),
        }))
    }

    /// The compiled regex; `None` if it exceeds the size limits (then it never matches).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| compile(&self.source, self.multi_line).ok())
            .as_ref()
    }

    /// Compile now, reporting a pattern that is too big.
    pub fn force(&self) -> Result<(), String> {
        match self.get() {
            Some(_) => Ok(()),
            None => Err(compile(&self.source, self.multi_line)
                .err()
                .map_or_else(|| "pattern could not be compiled".into(), |e| e.to_string())),
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_some_and(|re| re.is_match(text))
    }
}

#[derive(Debug)]
pub struct CompiledRequire {
    /// Alternatives; each is a list of groups that must all match one sentence.
    cues: Vec<Vec<LazyAlternation>>,
    anywhere: Option<LazyAlternation>,
    unless: Option<LazyAlternation>,
    pub at: super::Anchor,
}

impl CompiledRequire {
    pub fn new(def: &RequireDef) -> Result<Self, String> {
        let mut cues = Vec::new();
        for cue in &def.sentence {
            let mut groups = Vec::new();
            for group in &cue.all {
                if let Some(re) = LazyAlternation::new(group, false)? {
                    groups.push(re);
                }
            }
            if !groups.is_empty() {
                cues.push(groups);
            }
        }
        Ok(CompiledRequire {
            cues,
            anywhere: LazyAlternation::new(&def.anywhere, true)?,
            unless: LazyAlternation::new(&def.unless, false)?,
            at: def.at,
        })
    }

    /// Compile every pattern now (used by tests and `ticketlint rules` checks).
    pub fn force(&self) -> Result<(), String> {
        for re in self
            .cues
            .iter()
            .flatten()
            .chain(self.anywhere.iter())
            .chain(self.unless.iter())
        {
            re.force()?;
        }
        Ok(())
    }

    /// Does the document meet the requirement?
    pub fn satisfied(&self, doc: &Document) -> bool {
        if self.anywhere.as_ref().is_some_and(|re| re.is_match(&doc.masked)) {
            return true;
        }
        doc.sentences.iter().any(|s| {
            let sentence = &doc.masked[s.start..s.end];
            self.cues
                .iter()
                .any(|groups| groups.iter().all(|re| re.is_match(sentence)))
                && !self.unless.as_ref().is_some_and(|re| re.is_match(sentence))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::InputFormat;

    #[test]
    fn together_needs_all_groups_in_one_sentence() {
        let def = RequireDef {
            sentence: vec![crate::rules::SentenceCue {
                all: vec![vec![r"\busers?\b".into()], vec![r"could not".into()]],
            }],
            anywhere: vec![r"^impact:".into()],
            unless: vec![r"impacted by the outage".into()],
            at: Default::default(),
        };
        let r = CompiledRequire::new(&def).unwrap();
        r.force().unwrap();
        let ok = |t: &str| r.satisfied(&Document::parse(t, InputFormat::Text));
        assert!(ok("Users could not sign in."));
        assert!(!ok("Users were told. It could not start."));
        assert!(ok("Impact:\nnone"));
        assert!(!ok("Users impacted by the outage could not say."));
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bx\\b\d"), r"(?-u:\b)x\\b\d");
        let re = compile(r"\bcould not\b", false).unwrap();
        assert!(re.is_match("Staff could not print."));
        assert!(!re.is_match("Staff couldnot print."));
    }

    #[test]
    fn bad_patterns_are_rejected_at_load() {
        let def = RequireDef {
            anywhere: vec!["(unclosed".into()],
            ..Default::default()
        };
        assert!(CompiledRequire::new(&def).unwrap_err().contains("unclosed"));
    }

    #[test]
    fn oversized_patterns_fail_to_force() {
        let def = RequireDef {
            anywhere: vec![r"\w{1000}\w{1000}\w{1000}".into()],
            ..Default::default()
        };
        let r = CompiledRequire::new(&def).unwrap();
        assert!(r.force().is_err());
    }
}
